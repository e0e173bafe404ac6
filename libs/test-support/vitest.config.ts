import { palisadeProject } from '../../vitest.shared.js';

export default palisadeProject('test-support');
