import { createHash } from 'node:crypto';
import type { DirectoryEntry } from '../../../functions/domain/assessment.js';
import type { CustomerProfile, CustomerResource } from '../../../functions/domain/customer.js';
import type { CustomerDirectoryPort } from '../../../functions/domain/ports.js';
import { matchKeys } from '../../../functions/domain/resources.js';

export class FakeCustomers implements CustomerDirectoryPort {
  /** resource identifier -> customers holding data on it. */
  readonly resources = new Map<string, { customerId: string; dataCategories: string[] }[]>();
  constructor(readonly profiles = new Map<string, CustomerProfile>()) {}
  async putCustomers(entries: { profile: CustomerProfile; resources: CustomerResource[] }[]) {
    for (const { profile, resources } of entries) {
      this.profiles.set(profile.customerId, structuredClone(profile));
      for (const r of resources)
        this.resources.set(r.resource, [...(this.resources.get(r.resource) ?? []), { customerId: profile.customerId, dataCategories: [...r.dataCategories] }]);
    }
  }
  async getProfiles(ids: string[]) {
    return new Map(ids.flatMap((id) => (this.profiles.has(id) ? [[id, structuredClone(this.profiles.get(id)!)] as const] : [])));
  }
  /** Customers fall in segments by a hash of their id, as DynamoDB spreads partitions; resources under their match keys. */
  async scanSegment(segment: number, totalSegments: number) {
    const out = new Map<string, DirectoryEntry>();
    const entry = (id: string) => out.get(id) ?? out.set(id, { holdings: new Map() }).get(id)!;
    const mine = (id: string) => createHash('sha256').update(id).digest().readUInt32BE(0) % totalSegments === segment;
    for (const [id, p] of this.profiles)
      if (mine(id))
        entry(id).profile = {
          locale: p.locale,
          country: p.country,
          channels: [...p.channels],
          ...(p.region ? { region: p.region } : {}),
          ...(p.timeZone ? { timeZone: p.timeZone } : {}),
        };
    for (const [resource, hits] of this.resources)
      for (const hit of hits)
        if (mine(hit.customerId))
          for (const key of matchKeys(resource).index) {
            const holdings = entry(hit.customerId).holdings;
            holdings.set(key, [...new Set([...(holdings.get(key) ?? []), ...hit.dataCategories])]);
          }
    return out;
  }
  async approximateItemCount() {
    return this.profiles.size + [...this.resources.values()].reduce((n, hits) => n + hits.length, 0);
  }
}
