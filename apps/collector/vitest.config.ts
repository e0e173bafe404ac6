import { palisadeProject } from '../../vitest.shared.js';

export default palisadeProject('collector');
