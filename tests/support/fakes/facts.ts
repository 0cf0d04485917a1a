import type { FactsByLocale, FactsVersion } from '../../../functions/domain/facts.js';
import type { FactsStorePort } from '../../../functions/domain/ports.js';
import type { Clock } from '../../../functions/shared/clock.js';
import { FactsVersionConflictError } from '../../../functions/shared/errors.js';
import { FakeClock } from './clock.js';

/** The facts store: one version per save, the next version only if nobody saved it first. */
export class FakeFacts implements FactsStorePort {
  /** incidentId -> versions, oldest first. */
  versions = new Map<string, FactsVersion[]>();

  constructor(readonly clock: Clock = new FakeClock()) {}

  async saveFacts(incidentId: string, author: string, locales: FactsByLocale, expectedVersion: number) {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) throw new RangeError(`expectedVersion must be an integer >= 0, got ${expectedVersion}`);
    const list = this.versions.get(incidentId) ?? [];
    const version = expectedVersion + 1;
    if (list.some((v) => v.version === version))
      throw new FactsVersionConflictError(`Version ${version} of the facts of ${incidentId} was saved by someone else: reload and edit again`);
    const saved: FactsVersion = { incidentId, version, author, at: this.clock.now().toISOString(), locales: structuredClone(locales) };
    this.versions.set(
      incidentId,
      [...list, saved].sort((a, b) => a.version - b.version),
    );
    return structuredClone(saved);
  }
  async latestFacts(incidentId: string) {
    const latest = this.versions.get(incidentId)?.at(-1);
    return latest && structuredClone(latest);
  }
  async getFacts(incidentId: string, version: number) {
    const found = this.versions.get(incidentId)?.find((v) => v.version === version);
    return found && structuredClone(found);
  }
  async listFacts(incidentId: string) {
    return structuredClone(this.versions.get(incidentId) ?? []);
  }
}
