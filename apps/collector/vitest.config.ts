import { palisadeProject } from '../../vitest.shared.js';

// The end-to-end specs (test/*.e2e.spec.ts) run the built collector with real MCP servers, several
// sessions one after the other, each closed once its collector has shipped and exited: seconds each
// here, many more on a shared 2-core machine. The limit is an upper bound for a hang, not a speed check.
export default palisadeProject('collector', { test: { testTimeout: 120_000 } });
