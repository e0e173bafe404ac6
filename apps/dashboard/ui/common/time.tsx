import { formatInstant, formatTime, relativeTime } from '@/lib/format';

/** A timestamp for people: short form, full instant on hover, optionally "5 min ago". */
export function Time({ iso, now, relative = false }: { iso: string; now: number; relative?: boolean }) {
  return (
    <time dateTime={iso} title={formatInstant(iso)}>
      {relative ? relativeTime(iso, now) : formatTime(iso, now)}
    </time>
  );
}
