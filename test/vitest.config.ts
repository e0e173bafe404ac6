import swc from 'unplugin-swc';
import { palisadeProject } from '../vitest.shared.js';

// End-to-end specs: real MCP servers, real collector processes, the real detector. They spawn the
// built CLIs, so `npm test` builds first. SWC compiles the detector's decorators when a spec imports it.
export default palisadeProject('e2e', {
  plugins: [swc.vite({ module: { type: 'es6' }, jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true } } })],
  test: { include: ['**/*.spec.ts'], exclude: ['**/node_modules/**', 'fixtures/**'], testTimeout: 120_000, hookTimeout: 300_000 },
});
