/** Time as the pipeline sees it: injected, so timing logic is tested with fake timers. */
export interface Clock {
  /** Epoch milliseconds, with sub-millisecond precision where the platform gives it. */
  now(): number;
}

export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
};
