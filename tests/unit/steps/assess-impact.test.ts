import { describe, expect, it } from 'vitest';
import type { CustomerProfile } from '../../../functions/domain/customer.js';
import type { Incident } from '../../../functions/domain/incident.js';
import { planBatches } from '../../../functions/domain/delivery.js';
import { resolveLocale } from '../../../functions/domain/locales.js';
import type { AssessDeps } from '../../../functions/steps/assess-impact.js';
import { assessInProcess as assessImpact } from '../../support/assess.js';
import { FakeCustomers, FakeIncidents, FakeTeam } from '../../support/fakes.js';

const incidentId = 'inc-20261120-0123456789ab';
const at = '2026-11-20T08:00:00.000Z';

function world(opts: { resources?: string[]; alarmSeverity?: number; chunkSize?: number } = {}) {
  const incidents = new FakeIncidents();
  const incident: Incident = {
    incidentId,
    source: 'guardduty',
    findingKey: 'guardduty:1:f',
    alarmSeverity: opts.alarmSeverity ?? 5,
    title: 'Bulk reads',
    description: '',
    affectedResources: opts.resources ?? ['arn:aws:s3:::customer-data', 'i-0123'],
    firstSeenAt: at,
    status: 'OPEN',
    scope: 'PENDING',
    severity: 'MEDIUM',
    createdAt: at,
  };
  incidents.incidents.set(incidentId, incident);
  const profile = (id: string, extra: Partial<CustomerProfile> = {}): CustomerProfile => ({
    customerId: id,
    name: id,
    locale: 'en-GB',
    country: 'GB',
    channels: ['email'],
    email: `${id}@example.com`,
    ...extra,
  });
  const customers = new FakeCustomers(
    new Map([
      ['c1', profile('c1')],
      ['c2', profile('c2', { locale: 'zh-CN', country: 'CN', channels: ['email', 'sms'] })],
      ['c3', profile('c3', { country: 'FR', timeZone: 'America/Martinique' })],
    ]),
  );
  customers.resources.set('arn:aws:s3:::customer-data', [
    { customerId: 'c2', dataCategories: ['email'] },
    { customerId: 'c1', dataCategories: ['name', 'email'] },
  ]);
  // c1 again on a second resource, with another category: counted once, categories merged.
  customers.resources.set('i-0123', [
    { customerId: 'c1', dataCategories: ['phone'] },
    { customerId: 'c3', dataCategories: ['email'] },
  ]);
  const team = new FakeTeam();
  const deps: AssessDeps = { incidents, customers, team, audienceChunkSize: opts.chunkSize ?? 2, locales: ['en', 'zh-CN'] };
  return { deps, incidents, customers, team };
}

describe('assessImpact', () => {
  it("counts customers per region where the directory gives one, for the state laws' thresholds", async () => {
    // Prepare: c1 in California, the others without a region
    const { deps, incidents, customers } = world();
    await customers.putCustomers([{ profile: { ...(await customers.getProfiles(['c1'])).get('c1')!, country: 'US', region: 'US-CA' }, resources: [] }]);
    // Act
    await assessImpact(incidentId, deps);
    // Assess
    const impact = incidents.incidents.get(incidentId)!.impact!;
    expect(impact.byRegion).toEqual({ 'US-CA': 1 });
    expect(impact.byJurisdiction).toMatchObject({ US: 1, CN: 1, FR: 1 });
  });

  it('known scope: counts each customer once, merges their categories and stores the audience in chunks', async () => {
    // Prepare
    const { deps, incidents } = world();
    // Act
    const result = await assessImpact(incidentId, deps);
    // Assess
    expect(result).toEqual({ scope: 'KNOWN', affectedCustomers: 3, severity: 'MEDIUM', audienceChunks: 2, scopeVersion: 0 });
    // One locale per chunk: the two English readers, then the Chinese one.
    expect(incidents.audience.get(incidentId)).toEqual([
      [
        { customerId: 'c1', dataCategories: ['email', 'name', 'phone'] },
        { customerId: 'c3', dataCategories: ['email'] },
      ],
      [{ customerId: 'c2', dataCategories: ['email'] }],
    ]);
    const stored = incidents.incidents.get(incidentId)!;
    expect(stored).toMatchObject({ scope: 'KNOWN', severity: 'MEDIUM', audienceChunks: 2 });
    expect(stored.impact).toEqual({
      affectedCustomers: 3,
      byDataCategory: { email: 3, name: 1, phone: 1 },
      byJurisdiction: { GB: 1, CN: 1, FR: 1 },
      byLocale: { 'en-GB': 2, 'zh-CN': 1 },
      byChannel: { email: 3, sms: 1 },
      byTimeZone: { 'Europe/London': 1, 'Asia/Shanghai': 1, 'America/Martinique': 1 },
    });
    expect(incidents.timeline.map((e) => [e.action, e.detail])).toEqual([
      [
        'impact-assessed',
        { scope: 'KNOWN', severity: 'MEDIUM', affectedCustomers: 3, missingProfiles: 0, audienceChunks: 2, scopeVersion: 0, directorySegments: 4 },
      ],
    ]);
  });

  it('never mixes two written locales in a chunk, so the email calls per locale are ceil(n / 50) over all chunks', async () => {
    // Prepare: 1,234 customers whose directory locales resolve to en (en-GB, en-US, fr: not deployed) or zh-CN (zh-CN, zh-TW).
    const { deps, incidents, customers } = world({ resources: ['bucket-mixed'], chunkSize: 500 });
    const raw = ['en-GB', 'zh-CN', 'en-US', 'fr', 'zh-TW', 'en-GB', 'zh-CN'];
    const ids = Array.from({ length: 1234 }, (_, i) => `m${String(i).padStart(4, '0')}`);
    for (const [i, id] of ids.entries())
      customers.profiles.set(id, { customerId: id, name: id, locale: raw[i % raw.length]!, country: 'GB', channels: ['email'], email: `${id}@example.com` });
    customers.resources.set(
      'bucket-mixed',
      ids.map((customerId) => ({ customerId, dataCategories: ['email'] })),
    );
    // Act
    await assessImpact(incidentId, deps);
    // Assess: each chunk in one written locale; each locale's calls of 50, planned per chunk as the send step does, are ceil(n / 50).
    const written = (id: string) => resolveLocale(customers.profiles.get(id)!.locale, deps.locales);
    const chunks = incidents.audience.get(incidentId)!;
    expect(chunks.every((c) => new Set(c.map((m) => written(m.customerId))).size === 1)).toBe(true);
    const calls = chunks.flatMap((c, i) =>
      planBatches(
        c.map((m) => ({ customerId: m.customerId, locale: written(m.customerId) })),
        50,
        `c${i}`,
      ),
    );
    const perLocale = (l: string) => ids.filter((id) => written(id) === l).length;
    expect(calls.filter((b) => b.locale === 'en')).toHaveLength(Math.ceil(perLocale('en') / 50));
    expect(calls.filter((b) => b.locale === 'zh-CN')).toHaveLength(Math.ceil(perLocale('zh-CN') / 50));
    expect(chunks.every((c) => c.length <= 500)).toBe(true);
  });

  it('time zones: the directory’s own when valid, else the country’s main zone, else UTC', async () => {
    // Prepare
    const { deps, incidents, customers } = world();
    customers.profiles.get('c1')!.timeZone = 'Not/AZone';
    customers.profiles.get('c2')!.timeZone = 'Asia/Urumqi';
    customers.profiles.get('c3')!.country = 'XX';
    delete customers.profiles.get('c3')!.timeZone;
    // Act
    await assessImpact(incidentId, deps);
    // Assess
    expect(incidents.incidents.get(incidentId)!.impact!.byTimeZone).toEqual({ 'Europe/London': 1, 'Asia/Urumqi': 1, UTC: 1 });
  });

  it('sensitive data affected raises the severity to at least HIGH', async () => {
    // Prepare
    const { deps, customers } = world({ alarmSeverity: 2 });
    customers.resources.set('i-0123', [{ customerId: 'c3', dataCategories: ['password'] }]);
    // Act
    const result = await assessImpact(incidentId, deps);
    // Assess
    expect(result.severity).toBe('HIGH');
  });

  it('the alarm severity alone sets the level when no sensitive data is involved', async () => {
    // Prepare
    const { deps } = world({ alarmSeverity: 9.5 });
    // Act
    const result = await assessImpact(incidentId, deps);
    // Assess
    expect(result.severity).toBe('CRITICAL');
  });

  it('unknown scope: no resource names a customer, so no audience and nobody to notify', async () => {
    // Prepare
    const { deps, incidents } = world({ resources: ['arn:aws:s3:::logs-only'], alarmSeverity: 8 });
    // Act
    const result = await assessImpact(incidentId, deps);
    // Assess
    expect(result).toEqual({ scope: 'UNKNOWN', affectedCustomers: 0, severity: 'HIGH', audienceChunks: 0, scopeVersion: 0 });
    expect(incidents.audience.get(incidentId) ?? []).toEqual([]);
    expect(incidents.incidents.get(incidentId)).toMatchObject({ scope: 'UNKNOWN', audienceChunks: 0, impact: { affectedCustomers: 0 } });
    expect(incidents.timeline.at(-1)?.detail).toMatchObject({ scope: 'UNKNOWN', affectedCustomers: 0 });
  });

  it('unknown scope when the incident names no resource at all', async () => {
    // Prepare
    const { deps } = world({ resources: [] });
    // Act
    const result = await assessImpact(incidentId, deps);
    // Assess
    expect(result.scope).toBe('UNKNOWN');
  });

  it('a customer missing from the directory stays in the audience, counted as unknown locale and country, and is reported', async () => {
    // Prepare
    const { deps, incidents, customers } = world();
    customers.profiles.delete('c2');
    // Act
    const result = await assessImpact(incidentId, deps);
    // Assess
    expect(result.affectedCustomers).toBe(3);
    expect(
      incidents.audience
        .get(incidentId)!
        .flat()
        .map((m) => m.customerId)
        .sort(),
    ).toEqual(['c1', 'c2', 'c3']);
    expect(incidents.incidents.get(incidentId)!.impact).toMatchObject({
      byLocale: { 'en-GB': 2, unknown: 1 },
      byJurisdiction: { unknown: 1 },
      byChannel: { email: 2 },
      byTimeZone: { UTC: 1 },
    });
    expect(incidents.timeline.at(-1)?.detail).toMatchObject({ missingProfiles: 1 });
  });

  it('a retry rewrites the same chunks', async () => {
    // Prepare
    const { deps, incidents } = world();
    await assessImpact(incidentId, deps);
    const first = structuredClone(incidents.audience.get(incidentId));
    // Act
    await assessImpact(incidentId, deps);
    // Assess
    expect(incidents.audience.get(incidentId)).toEqual(first);
  });

  it('an unknown incident fails by name and saves nothing', async () => {
    // Prepare
    const { deps, incidents } = world();
    // Act
    const act = assessImpact('inc-20261120-ffffffffffff', deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'IncidentNotFoundError' });
    expect(incidents.timeline).toEqual([]);
  });

  it('a chunk size below one is refused before anything is saved', async () => {
    // Prepare
    const { deps, incidents } = world({ chunkSize: 0 });
    // Act
    const act = assessImpact(incidentId, deps);
    // Assess
    await expect(act).rejects.toBeInstanceOf(RangeError);
    expect(incidents.incidents.get(incidentId)!.scope).toBe('PENDING');
  });
});
