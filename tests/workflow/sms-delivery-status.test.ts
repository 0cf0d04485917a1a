import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { EarlySmsStatuses } from '../../functions/adapters/sms-status-lookups.js';
import { evidenceState } from '../../functions/domain/delivery-evidence.js';
import { systemClock } from '../../functions/shared/clock.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { TWIN_SMS_FAILING_PREFIX, TWIN_SMS_FAILURE_REASON } from '../../local/emulators/sns-recorder.js';
import { lambdaContext } from '../../local/twin/http-api.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { endpoints, smsMessages, testConfig, uniquePrefix, until } from '../support/local.js';
import { decide, makeCustomers, phoneSalt, sendAlarm, startScenario, waitForState, type Scenario } from '../support/scenario.js';

/**
 * SMS delivery status on one twin, through the path AWS takes: SNS writes a status record per SMS to its
 * log groups, the stack's subscription filters hand them to record-sms-status, which finds the customer
 * by number and the notice by message id. Every other SMS customer's number fails on the twin
 * (TWIN_SMS_FAILING_PREFIX): it must end on the notice's undeliverable list with SNS's reason.
 */
const prefix = uniquePrefix('smsst');
const config = testConfig(prefix, { audienceChunkSize: 100 });
const bucket = `smsst-${prefix}`;
const COUNT = 24;
const customers = makeCustomers(bucket, bucket, COUNT).map((c, i) =>
  c.profile.phone && i % 2 === 0
    ? { ...c, profile: { ...c.profile, phone: `${TWIN_SMS_FAILING_PREFIX}${phoneSalt(prefix)}${String(i).padStart(2, '0')}` } }
    : c,
);
const withPhone = customers.filter((c) => c.profile.phone);
const failing = withPhone.filter((c) => c.profile.phone!.startsWith(TWIN_SMS_FAILING_PREFIX));
let s: Scenario;
let evidence: EvidenceStore;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  s = await startScenario(prefix, config);
  await s.customers.putCustomers(customers);
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }));
  evidence = new EvidenceStore(doc, s.system.tables.deliveries, systemClock);
});

afterAll(async () => {
  await s?.system.stop();
});

describe('SMS delivery status on the twin', () => {
  it("records each SMS's fate against its customer and notice; a failed one goes on the undeliverable list with SNS's reason", async () => {
    // Act: the first notice, approved and sent.
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await decide(s, config.approverEmails[0]!, 'approve');
    await waitForState(s, incidentId, 'Wait for update approval');
    const ref = { incidentId, noticeId: 'first-notice-1' };
    const counts = await until(async () => {
      const c = await evidence.counts(ref, 'sms');
      return c.Delivery + c.Undelivered === withPhone.length ? c : undefined;
    }, 'every SMS delivered or failed');

    // Assess: one SMS each, its fate recorded with SNS's message id (the ledger's), failures with the reason.
    const sms = await smsMessages();
    expect(failing.length).toBeGreaterThan(0);
    expect(counts).toMatchObject({ Delivery: withPhone.length - failing.length, Undelivered: failing.length });
    const read = await evidence.read(
      ref,
      'sms',
      withPhone.map((c) => c.profile.customerId),
    );
    for (const c of withPhone) {
      const fails = failing.includes(c);
      const e = read.get(c.profile.customerId);
      expect(sms[c.profile.phone!]?.length, c.profile.phone).toBe(1);
      expect(evidenceState(e?.seen ?? {}), c.profile.customerId).toBe(fails ? 'undelivered' : 'delivered');
      expect(e?.messageId).toBe(sms[c.profile.phone!]![0]!.messageId);
      if (fails) expect(e?.reason).toBe(TWIN_SMS_FAILURE_REASON);
    }
    const undeliverable = await evidence.undeliverable(ref);
    expect(undeliverable.filter((u) => u.channel === 'sms').map((u) => u.customerId)).toEqual(failing.map((c) => c.profile.customerId).sort());
    expect(undeliverable.filter((u) => u.channel === 'sms').every((u) => u.event === 'Undelivered')).toBe(true);
  });

  it("keeps a status that matches none of the customer's outcomes yet, as its role allows, and does not record it", async () => {
    // Prepare: a status for a customer's number whose message no outcome names (its batch still running).
    const customer = withPhone.find((c) => !failing.includes(c))!;
    const sentAt = new Date(Date.now() - 1000).toISOString().replace('T', ' ').replace('Z', '');
    const message = JSON.stringify({
      notification: { messageId: `not-written-yet-${prefix}`, timestamp: sentAt },
      delivery: { destination: customer.profile.phone, providerResponse: 'Message has been accepted by phone carrier' },
      status: 'SUCCESS',
    });
    const batch = {
      messageType: 'DATA_MESSAGE',
      logGroup: 'sns/us-east-1/000000000000/DirectPublishToPhoneNumber',
      logEvents: [{ id: '1', timestamp: Date.now(), message }],
    };
    // Act: through the function's own role on the twin (a refused PutItem would fail the invocation).
    const result = await s.system.lambda('record-sms-status')(
      { awslogs: { data: gzipSync(JSON.stringify(batch)).toString('base64') } },
      lambdaContext('breach-notice-record-sms-status'),
    );
    // Assess
    expect(result).toMatchObject({ records: 1, SmsStatusEarly: 1, SmsEvidenceDelivery: 0 });
    const kept = await new EarlySmsStatuses(doc, s.system.tables.deliveries).ofCustomer(customer.profile.customerId);
    expect(kept.map((k) => k.messageId)).toEqual([`not-written-yet-${prefix}`]);
  });
});
