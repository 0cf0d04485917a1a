/** Time as a port, so tests can fake it and expiry rules stay pure. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
