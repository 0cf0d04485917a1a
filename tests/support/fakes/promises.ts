import type { OpenPromise, PromiseClockPort } from '../../../functions/domain/ports.js';

/** The open promises' markers, keyed as the adapter keys them; `claim` is the conditional delete. */
export class FakePromiseClocks implements PromiseClockPort {
  markers = new Map<string, OpenPromise>();
  private key = (p: OpenPromise) => `${p.promisedBy}#${p.incidentId}#${p.noticeId}`;

  async open(p: OpenPromise) {
    this.markers.set(this.key(p), { ...p });
  }
  async close(p: OpenPromise) {
    this.markers.delete(this.key(p));
  }
  async due(now: Date) {
    return [...this.markers.values()].filter((p) => Date.parse(p.promisedBy) <= now.getTime()).sort((a, b) => a.promisedBy.localeCompare(b.promisedBy));
  }
  async claim(p: OpenPromise) {
    return this.markers.delete(this.key(p));
  }
}
