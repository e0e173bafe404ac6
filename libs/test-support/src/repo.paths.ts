import path from 'node:path';

/** The repository root (from src/ or dist/ alike). */
export const REPO = path.resolve(import.meta.dirname, '../../..');
export const DETECTOR_BIN = path.join(REPO, 'apps/detector/bin/palisade-detector.js');
export const COLLECTOR_BIN = path.join(REPO, 'apps/collector/bin/palisade-collector.js');
