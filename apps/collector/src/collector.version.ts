import { readFileSync } from 'node:fs';

/** The collector's version (from its package.json), recorded on every event. */
export const COLLECTOR_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
