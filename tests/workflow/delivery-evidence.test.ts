import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { evidenceState, reputationOf } from '../../functions/domain/delivery-evidence.js';
import { systemClock } from '../../functions/shared/clock.js';
import { unreachableCustomers } from '../../functions/steps/unreachable-customers.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { emailsPerRecipient, endpoints, testConfig, uniquePrefix, until } from '../support/local.js';
import { decide, makeCustomers, sendAlarm, startScenario, waitForState, type Scenario } from '../support/scenario.js';

/**
 * Delivery evidence on one twin, from SES's mailbox simulator as AWS documents it: customers at the
 * bounce, complaint, suppression-list and success addresses (with a +label each) beside ordinary ones,
 * a third with a phone. After the first notice: what SES reported per customer and per notice, the
 * rates, and who no channel reached.
 */
const prefix = uniquePrefix('evw');
const config = testConfig(prefix, { audienceChunkSize: 100 });
const bucket = `evidence-${prefix}`;
const COUNT = 40;
const SIMULATOR = ['bounce', 'complaint', 'suppressionlist', 'success'] as const;
const kindOf = (i: number) => SIMULATOR[i % 10] ?? 'ordinary';
const customers = makeCustomers(bucket, bucket, COUNT).map((c, i) => {
  const kind = kindOf(i);
  return kind === 'ordinary' ? c : { ...c, profile: { ...c.profile, email: `${kind}+${prefix}-${i}@simulator.amazonses.com` } };
});
const expectedState: Record<ReturnType<typeof kindOf>, string> = {
  bounce: 'bounced',
  suppressionlist: 'bounced',
  complaint: 'complained',
  success: 'delivered',
  ordinary: 'delivered',
};
let s: Scenario;
let evidence: EvidenceStore;

beforeAll(async () => {
  s = await startScenario(prefix, config);
  await s.customers.putCustomers(customers);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }));
  evidence = new EvidenceStore(doc, s.system.tables.deliveries, systemClock);
});

afterAll(async () => {
  await s?.system.stop();
});

describe("SES's mailbox simulator on the twin", () => {
  it('each customer ends with what SES reported; the notice has its counts and rates; those no channel reached are listed', async () => {
    // Act: the first notice, approved and sent.
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await decide(s, config.approverEmails[0]!, 'approve');
    await waitForState(s, incidentId, 'Wait for update approval');
    const ref = { incidentId, noticeId: 'first-notice-1' };
    // SES's events come after its answers: wait for every message's.
    const counts = await until(async () => {
      const c = await evidence.counts(ref, 'email');
      return c.Delivery + c.BouncePermanent === COUNT && c.Complaint === 4 ? c : undefined;
    }, 'every email delivered or bounced');

    // Assess: every customer accepted once by SES, and each address's fate as the simulator documents it.
    const mailbox = await emailsPerRecipient('');
    for (const c of customers) expect(mailbox.get(c.profile.email!), c.profile.email).toBe(1);
    const read = await evidence.read(
      ref,
      'email',
      customers.map((c) => c.profile.customerId),
    );
    for (const [i, c] of customers.entries()) expect(evidenceState(read.get(c.profile.customerId)?.seen ?? {}), c.profile.email).toBe(expectedState[kindOf(i)]);
    expect(counts).toMatchObject({ Send: COUNT, Delivery: 32, BouncePermanent: 8, Complaint: 4 });
    expect(reputationOf(counts)).toEqual({ bounceRate: 8 / 40, complaintRate: 4 / 32 });
    // Bounced (the bounce and suppression-list addresses): reached by SMS when they have a phone, else listed for the team.
    const unreachable = await unreachableCustomers(ref, { evidence, ledger: s.ledger });
    const bounced = customers.filter((_, i) => kindOf(i) === 'bounce' || kindOf(i) === 'suppressionlist');
    expect(unreachable.map((u) => u.customerId)).toEqual(
      bounced
        .filter((c) => !c.profile.phone)
        .map((c) => c.profile.customerId)
        .sort(),
    );
    expect(bounced.filter((c) => c.profile.phone)).toHaveLength(3);
    // The team's call list, from the CLI: the same customers, with why per channel.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/tools/incident.ts', 'deliveries', incidentId], {
      env: { ...process.env, AWS_ENDPOINT_URL: endpoints().dynamodb, INCIDENTS_TABLE: s.system.tables.incidents, DELIVERIES_TABLE: s.system.tables.deliveries },
    });
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { noticeId: string; channel?: string; unreachableCustomers?: unknown; evidence?: unknown });
    expect(lines.find((l) => l.unreachableCustomers)).toEqual({ noticeId: 'first-notice-1', unreachableCustomers: unreachable });
    expect(lines.find((l) => l.channel === 'email')?.evidence).toMatchObject({ accepted: COUNT, delivered: 32, bounced: 8, complained: 4 });
    console.info(
      `mailbox simulator: ${COUNT} customers; SES events per notice ${JSON.stringify(counts)}; bounce rate ${(8 / 40) * 100}%, complaint rate ${(4 / 32) * 100}%; unreachable ${unreachable.length}`,
    );
  });
});
