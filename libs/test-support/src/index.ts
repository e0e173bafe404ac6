export { REPO, DETECTOR_BIN, COLLECTOR_BIN } from './repo.paths.js';
export { freePort } from './free-port.js';
export { waitFor } from './wait-for.js';
export { ManagedProcess } from './managed.process.js';
export { type DetectorProcess, type DetectorProcessOptions, startDetectorProcess } from './detector.process.js';
