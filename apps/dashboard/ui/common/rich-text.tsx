import { type TextSegment, segmentText } from '@/lib/evidence-text';
import { EyeOffIcon, LockIcon } from './icons';

/** Evidence text as segments: highlighted match, secret fingerprints, invisible characters made visible. */
export function RichText({ segments }: { segments: TextSegment[] }) {
  return (
    <>
      {segments.map((segment, i) => {
        switch (segment.kind) {
          case 'plain':
            return <span key={i}>{segment.text}</span>;
          case 'match':
            return (
              <mark key={i} className="hit">
                {segment.text}
              </mark>
            );
          case 'secret':
            return (
              <span key={i} className="secret" title={`A ${segment.secretType.replaceAll('_', ' ')} was here. Palisade keeps only its fingerprint.`}>
                <LockIcon size={11} />
                {segment.secretType} · {segment.fingerprint}
              </span>
            );
          case 'invisible':
            return (
              <span key={i} className="invisible" title={segment.codePoints.join(' ')}>
                <EyeOffIcon size={10} /> {segment.codePoints.length} hidden
                {segment.decoded ? `: “${segment.decoded}”` : ` (${segment.codePoints.slice(0, 3).join(' ')}${segment.codePoints.length > 3 ? ' …' : ''})`}
              </span>
            );
        }
      })}
    </>
  );
}

/** Plain text with secrets and invisible characters rendered (no highlight). */
export function SafeText({ text }: { text: string }) {
  return <RichText segments={segmentText(text)} />;
}
