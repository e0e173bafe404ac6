import swc from 'unplugin-swc';
import { palisadeProject } from '../../vitest.shared.js';

// Nest's dependency injection reads decorator metadata, which esbuild/oxc do not emit: SWC does.
export default palisadeProject('detector', {
  plugins: [swc.vite({ module: { type: 'es6' }, jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true } } })],
});
