import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { TeamStore } from '../../functions/adapters/team-store.js';
import { scopeRequestSchema } from '../../functions/domain/scope.js';
import { systemClock } from '../../functions/shared/clock.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { endpoints, putIncidentItem, testConfig, uniquePrefix } from '../support/local.js';

const prefix = uniquePrefix('team');
let team: TeamStore;
let seed: (incidentId: string) => Promise<void>;

beforeAll(async () => {
  const { tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  team = new TeamStore(doc, tables.incidents, systemClock);
  seed = (incidentId) => putIncidentItem(doc, tables.incidents, incidentId);
});

const ids = (who: string, n: number) => Array.from({ length: n }, (_, i) => `${who}-${String(i).padStart(6, '0')}`);
const request = (customerIds: string[], reason: string) => scopeRequestSchema.parse({ basis: 'ids', customerIds, reason });

describe('the team store on DynamoDB Local', () => {
  it('id-list decisions saved at the same moment each keep their own list, in order, under their own version', async () => {
    // Prepare: one short list and two long ones (several parts each), saved at once for one incident.
    const incidentId = 'inc-20261120-00000000team';
    await seed(incidentId);
    const lists = { alice: ids('alice', 3), bob: ids('bob', 6_000), carol: ids('carol', 5_001) };
    // Act
    const saved = await Promise.all(Object.entries(lists).map(([who, list]) => team.saveScopeDecision(incidentId, who, request(list, `${who}'s list`))));
    // Assess
    expect(saved.map((d) => d.version).sort()).toEqual([1, 2, 3]);
    const read = await team.listScopeDecisions(incidentId);
    expect(read.map((d) => d.version)).toEqual([1, 2, 3]);
    for (const d of read) expect(d.customerIds).toEqual(lists[d.decidedBy as keyof typeof lists]);
  });

  it("another incident's decisions and waits are its own", async () => {
    // Prepare
    await seed('inc-20261120-000000000aaa');
    await team.saveScopeDecision('inc-20261120-000000000aaa', 'lead', scopeRequestSchema.parse({ basis: 'all', reason: 'a' }));
    await team.putWait('inc-20261120-000000000aaa', { kind: 'scope', taskToken: 't-a' });
    // Act
    const other = await team.listScopeDecisions('inc-20261120-000000000bbb');
    // Assess
    expect(other).toEqual([]);
    expect(await team.getWait('inc-20261120-000000000bbb', 'scope')).toBeUndefined();
    expect(await team.getWait('inc-20261120-000000000aaa', 'scope')).toMatchObject({ taskToken: 't-a', reminders: 0 });
  });

  it('a wait ends only with its own token; a redraft request answers one version of the notice', async () => {
    // Prepare
    const incidentId = 'inc-20261120-000000000ccc';
    await team.putWait(incidentId, { kind: 'redraft', taskToken: 'old', noticeId: 'first-notice-1' });
    await team.putWait(incidentId, { kind: 'redraft', taskToken: 'new', noticeId: 'first-notice-1' });
    await team.requestRedraft(incidentId, 'first-notice-1', 1, 'lead');
    // Act
    await team.endWait(incidentId, 'redraft', 'old');
    // Assess
    expect((await team.getWait(incidentId, 'redraft'))?.taskToken).toBe('new');
    expect(await team.redraftRequested(incidentId, 'first-notice-1', 1)).toBe(true);
    expect(await team.redraftRequested(incidentId, 'first-notice-1', 2)).toBe(false);
  });
});
