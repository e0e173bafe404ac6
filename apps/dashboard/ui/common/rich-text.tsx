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
          case 'lookalike': {
            const marked = (
              <span key={i} className="lookalike" title={`${segment.script} ${segment.codePoints.join(' ')} among Latin letters: it looks like a Latin letter`}>
                {segment.text}
              </span>
            );
            return segment.match ? (
              <mark key={i} className="hit">
                {marked}
              </mark>
            ) : (
              marked
            );
          }
        }
      })}
    </>
  );
}

/**
 * Text from a monitored server with secrets, invisible characters and look-alike letters rendered (no
 * highlight). `inline` for names and titles: line breaks and tabs are shown too, and the text is isolated
 * (bdi) so that right-to-left letters in it cannot reorder what is around it.
 */
export function SafeText({ text, inline = false }: { text: string; inline?: boolean }) {
  if (!inline) return <RichText segments={segmentText(text)} />;
  return (
    <bdi>
      <RichText segments={segmentText(text, 'plain', { inline })} />
    </bdi>
  );
}
