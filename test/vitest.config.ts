import { palisadeProject } from '../vitest.shared.js';

// End-to-end specs: real MCP servers, real collector processes, the real detector. They spawn the
// built CLIs, so `npm test` builds first.
export default palisadeProject('e2e', {
  test: { include: ['**/*.spec.ts'], exclude: ['**/node_modules/**', 'fixtures/**'], testTimeout: 120_000, hookTimeout: 120_000 },
});
