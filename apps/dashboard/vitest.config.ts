import path from 'node:path';
import { palisadeProject } from '../../vitest.shared.js';

// Unit specs of the dashboard's pure modules (lib/*.spec.ts) and the browser specs (test/*.spec.ts),
// which start a real detector, collectors and the built dashboard, and drive Debian's Chromium.
export default palisadeProject('dashboard', {
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['lib/**/*.spec.ts', 'ui/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // Polls wait for the browser and the pipeline on a shared 2-core machine: an upper bound, not a speed check.
    expect: { poll: { timeout: 20_000, interval: 100 } },
  },
});
