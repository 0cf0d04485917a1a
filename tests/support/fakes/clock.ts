import type { Clock } from '../../../functions/shared/clock.js';

export class FakeClock implements Clock {
  constructor(public current = Date.parse('2026-11-20T08:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
}
