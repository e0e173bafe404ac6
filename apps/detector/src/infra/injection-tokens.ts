/** Injection tokens for the ports (interfaces have no runtime identity). */
export const STORE = Symbol.for('palisade.Store');
export const BUS = Symbol.for('palisade.Bus');
export const DETECTOR_CONFIG = Symbol.for('palisade.DetectorConfig');
export const LOGGER = Symbol.for('palisade.Logger');
