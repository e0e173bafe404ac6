import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { severityRank } from '@palisade/schema';
import { describe, expect, it } from 'vitest';
import { SEVERITIES, STATUS_LABELS, STATUSES } from './vocabulary';

const CHUNKS = path.resolve(import.meta.dirname, '../.next/static/chunks');

/** Every file below a folder. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

describe('dashboard vocabulary', () => {
  it('lists severities most severe first, and labels every triage status', () => {
    expect(SEVERITIES.map(severityRank)).toEqual([4, 3, 2, 1]);
    expect(Object.keys(STATUS_LABELS)).toEqual([...STATUSES]);
  });

  // The lists come from @palisade/schema/vocabulary so that client components bundle no zod.
  it('leaves zod out of the browser bundles (built dashboard)', () => {
    expect(existsSync(CHUNKS), `${CHUNKS} is missing: run \`npm run build\` (npm ci does it) first`).toBe(true);
    const scripts = files(CHUNKS).filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((file) => readFileSync(file, 'utf8').includes('$ZodType'))).toEqual([]);
  });
});

if (!existsSync(CHUNKS)) console.log('dashboard bundle check skipped: apps/dashboard is not built (run `node tools/build.mjs`)');
