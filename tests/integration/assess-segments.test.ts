import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import type { AudienceMember, Incident } from '../../functions/domain/incident.js';
import { systemClock } from '../../functions/shared/clock.js';
import { assessSegment, planAssessment, writeAudienceChunks, type AssessDeps } from '../../functions/steps/assess-impact.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { assessInProcess } from '../support/assess.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';
import { makeCustomers } from '../support/scenario.js';

/**
 * Impact assessment fanned out over the directory's scan segments (domain/assessment.ts), on
 * DynamoDB Local: many segments give the same audience as few, every locale cut into full chunks
 * across segment boundaries, and a phase run again (a Map iteration retried) rewrites the same chunks.
 */
const prefix = uniquePrefix('seg');
const CHUNK = 50;
const AFFECTED = 2_345;
const resource = `arn:aws:s3:::${prefix}-orders`;
let stores: ReturnType<typeof incidentStores>;
let deps: (itemsPerSegment?: number) => AssessDeps;

beforeAll(async () => {
  const { tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  stores = incidentStores(doc, tables.incidents, systemClock);
  const customers = new CustomersRepository(doc, tables.customers);
  // The affected, and others on a resource the alarm does not name.
  await customers.putCustomers([...makeCustomers(prefix, resource, AFFECTED), ...makeCustomers(prefix, `${prefix}-other`, 300, AFFECTED)]);
  deps = (itemsPerSegment) => ({ ...stores, customers, audienceChunkSize: CHUNK, locales: ['en', 'zh-CN'], itemsPerSegment });
}, 60_000);

async function openIncident(incidentId: string): Promise<void> {
  const at = new Date().toISOString();
  const incident: Incident = {
    incidentId,
    source: 'guardduty',
    findingKey: `test:${incidentId}`,
    alarmSeverity: 5,
    title: 'Bulk reads',
    description: '',
    affectedResources: [resource],
    firstSeenAt: at,
    status: 'OPEN',
    scope: 'PENDING',
    severity: 'MEDIUM',
    createdAt: at,
  };
  await stores.incidents.openIncident(incident, `evt-${incidentId}`, '{}');
}

async function chunksOf(incidentId: string): Promise<AudienceMember[][]> {
  const { audienceChunks } = await stores.incidents.getIncident(incidentId);
  return Promise.all(Array.from({ length: audienceChunks! }, (_, i) => stores.incidents.getAudienceChunk(incidentId, i)));
}

const localeOf = (m: AudienceMember) => (Number(m.customerId.slice(-5)) % 2 === 1 ? 'zh-CN' : 'en');

describe('impact assessment over directory segments on DynamoDB Local', () => {
  it('many segments find the same audience as few, cut per locale into full chunks of 50 across segment boundaries', async () => {
    // Prepare
    const [few, many] = [`inc-20261120-${prefix.slice(-6)}00few`, `inc-20261120-${prefix.slice(-6)}0many`];
    await openIncident(few);
    await openIncident(many);
    // Act
    const a = await assessInProcess(few, deps());
    const b = await assessInProcess(many, deps(120));
    // Assess
    for (const result of [a, b]) expect(result).toMatchObject({ scope: 'KNOWN', affectedCustomers: AFFECTED, audienceChunks: 24 + 24 });
    const [segmentsA, segmentsB] = await Promise.all(
      [few, many].map(async (id) => (await stores.incidents.listTimeline(id)).find((e) => e.action === 'impact-assessed')!.detail!.directorySegments),
    );
    expect(segmentsA).toBe(4);
    expect(segmentsB).toBeGreaterThan(30);
    const [chunksA, chunksB] = await Promise.all([chunksOf(few), chunksOf(many)]);
    for (const chunks of [chunksA, chunksB]) {
      // One locale per chunk, 50 in each but the last of each locale: ceil(n / 50) email calls per locale.
      expect(chunks.every((c) => new Set(c.map(localeOf)).size === 1)).toBe(true);
      const sizes = ['en', 'zh-CN'].map((l) => chunks.filter((c) => localeOf(c[0]!) === l).map((c) => c.length));
      expect(sizes).toEqual([
        [...Array(23).fill(CHUNK), 23],
        [...Array(23).fill(CHUNK), 22],
      ]);
    }
    const members = (chunks: AudienceMember[][]) => new Map(chunks.flat().map((m) => [m.customerId, m.dataCategories.join()]));
    expect(members(chunksB)).toEqual(members(chunksA));
    expect(members(chunksA).size).toBe(AFFECTED);
    expect((await stores.incidents.getIncident(many)).impact).toEqual((await stores.incidents.getIncident(few)).impact);
  });

  it('a segment and a chunk writer run again, twice at once (a retried Map iteration), rewrite the same chunks', async () => {
    // Prepare
    const incidentId = `inc-20261120-${prefix.slice(-6)}retry`;
    await openIncident(incidentId);
    await assessInProcess(incidentId, deps(120));
    const before = await chunksOf(incidentId);
    // Act: the phases again, as a retry after a lost answer would run them, each twice at once.
    const { scopeVersion } = await stores.incidents.getIncident(incidentId).then((i) => ({ scopeVersion: i.scopeVersion ?? 0 }));
    const segments = Array.from({ length: (await stores.incidents.listTimeline(incidentId)).at(-1)!.detail!.directorySegments as number }, (_, i) => i);
    const assessed = await Promise.all(
      segments.map((segment) => assessSegment({ incidentId, segment, totalSegments: segments.length, scopeVersion }, deps(120))),
    );
    await Promise.all(
      [...assessed, ...assessed].map(({ segment }) => writeAudienceChunks({ incidentId, segment, scopeVersion, segments: assessed }, deps(120))),
    );
    // Assess
    expect(await chunksOf(incidentId)).toEqual(before);
    expect((await planAssessment(incidentId, deps(120))).segments).toEqual([]);
  });
});
