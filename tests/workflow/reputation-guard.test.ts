import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { systemClock } from '../../functions/shared/clock.js';
import { resumeSending } from '../../functions/steps/resume-sending.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { endpoints, sesEmails, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { decide, makeCustomers, sendAlarm, startScenario, waitForState, type Scenario } from '../support/scenario.js';

/**
 * The reputation guard on one twin: an audience whose old addresses bounce (every fourth at SES's
 * bounce simulator). Once enough emails were accepted, the bounce rate passes the limit: sending
 * pauses before the next chunk and the team is paged with the figures; when the team says go on,
 * the rest is sent, and nobody twice.
 */
const prefix = uniquePrefix('rep');
// Small chunks and a small minimum, so the rates are judged while most of the audience is still to send.
const config = testConfig(prefix, { audienceChunkSize: 5, maxParallelSenders: 1, reputationMinimumMessages: 5 });
const bucket = `rep-${prefix}`;
const COUNT = 40;
const customers = makeCustomers(bucket, bucket, COUNT).map((c, i) =>
  i % 4 === 0 ? { ...c, profile: { ...c.profile, email: `bounce+${prefix}-${i}@simulator.amazonses.com` } } : c,
);
const addresses = new Set(customers.map((c) => c.profile.email!));
/** Emails per address of this file's customers only: other files send to the simulator's addresses on the same emulator. */
async function ours(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const m of await sesEmails((e) => addresses.has(e.destination.to[0]!))) counts.set(m.destination.to[0]!, (counts.get(m.destination.to[0]!) ?? 0) + 1);
  return counts;
}
let s: Scenario;
let evidence: EvidenceStore;

beforeAll(async () => {
  s = await startScenario(prefix, config, {
    // A paused round waits 15 min in AWS; here a few seconds, so the team's resume is met by the next round.
    waitTimeOverrides: { 'Wait until next update': 0, 'Wait to resume sending notices': 2_000, 'Wait to resume sending update': 2_000 },
  });
  await s.customers.putCustomers(customers);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }));
  evidence = new EvidenceStore(doc, s.system.tables.deliveries, systemClock);
});

afterAll(async () => {
  await s?.system.stop();
});

describe('the reputation guard', () => {
  it('pauses a notice whose bounce rate passes the limit, pages the team with the figures, and goes on when told, nobody twice', async () => {
    // Act 1: the first notice, approved.
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await decide(s, config.approverEmails[0]!, 'approve');
    const paused = await until(
      async () => (await topicMessages(s.system.responseTeamTopicArn)).find((m) => m.message.includes(incidentId) && m.subject?.includes('sending paused')),
      'the reputation page',
      60_000,
    );

    // Assess 1: paused with part of the audience unsent; the page names the figures and how to go on.
    const before = await ours();
    expect(before.size).toBeLessThan(COUNT);
    expect(paused.subject).toMatch(/bounce rate \d+(\.\d+)?% above the limit/);
    expect(paused.message).toContain(`npm run incident -- resume-sending ${incidentId} first-notice-1`);
    expect(paused.message).not.toMatch(/simulator\.amazonses\.com|@example\.com/);
    const timeline = await s.incidents.listTimeline(incidentId);
    expect(timeline.some((e) => e.action === 'sending-paused-reputation')).toBe(true);

    // Act 2: the team has looked and says go on.
    const resumed = await resumeSending({ incidentId, noticeId: 'first-notice-1', author: 'lead@example.com' }, { ...s, evidence, clock: systemClock });
    await waitForState(s, incidentId, 'Wait for update approval', 120_000);

    // Assess 2: everyone exactly one email, the resume recorded with the rates the team saw.
    expect(resumed.outcome).toBe('resumed');
    const after = await ours();
    expect(after.size).toBe(COUNT);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
    const resumedEntry = (await s.incidents.listTimeline(incidentId)).find((e) => e.action === 'sending-resumed');
    expect(resumedEntry?.detail).toMatchObject({ noticeId: 'first-notice-1', by: 'lead@example.com', bounceRate: expect.any(Number) });
    console.info(`reputation guard: paused after ${before.size} of ${COUNT} emails; resumed at ${JSON.stringify(resumedEntry?.detail)}`);
  });
});
