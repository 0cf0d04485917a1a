import type { CustomerProfile, CustomerResource } from '../../../functions/domain/customer.js';
import type { CustomerDirectoryPort } from '../../../functions/domain/ports.js';

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
  async findByResource(identifier: string) {
    return structuredClone(this.resources.get(identifier) ?? []);
  }
  async getProfiles(ids: string[]) {
    return new Map(ids.flatMap((id) => (this.profiles.has(id) ? [[id, structuredClone(this.profiles.get(id)!)] as const] : [])));
  }
  async everyone() {
    return this.holdingsOf([...this.profiles.keys()]);
  }
  async holdingsOf(ids: string[]) {
    const out = new Map<string, Set<string>>();
    for (const id of ids) if (this.profiles.has(id)) out.set(id, new Set());
    for (const hits of this.resources.values())
      for (const hit of hits) if (out.has(hit.customerId)) for (const c of hit.dataCategories) out.get(hit.customerId)!.add(c);
    return out;
  }
}
