import { defineConfig } from 'vitest/config';

/**
 * Every test of the workspace, one Vitest project per package. `npm test` runs this through
 * tools/test.mjs, which builds first (end-to-end specs spawn the built CLIs) and prints the summary.
 */
export default defineConfig({
  test: {
    projects: ['libs/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'test/vitest.config.ts'],
    reporters: ['default'],
  },
});
