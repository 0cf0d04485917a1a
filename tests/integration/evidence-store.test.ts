import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { evidenceState, noEvidenceCounts, reputationOf } from '../../functions/domain/delivery-evidence.js';
import { unreachableCustomers } from '../../functions/steps/unreachable-customers.js';
import { systemClock } from '../../functions/shared/clock.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';

const prefix = uniquePrefix('evid');
let evidence: EvidenceStore;
let ledger: DeliveriesLedger;
const ref = { incidentId: 'inc-20261120-0000000evid1', noticeId: 'first-notice-1' };
const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

beforeAll(async () => {
  const { tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  evidence = new EvidenceStore(doc, tables.deliveries, systemClock);
  ledger = new DeliveriesLedger(doc, tables.deliveries, systemClock, 60);
});

describe('the evidence store on DynamoDB Local', () => {
  it('keeps the first time of each event, whatever the order and however often EventBridge delivers it', async () => {
    // Prepare: the delay and the delivery arrive before the send event, the delivery twice.
    const events = [
      ['DeliveryDelay', at(2)],
      ['Delivery', at(3)],
      ['Send', at(1)],
      ['Delivery', at(9)],
    ] as const;
    // Act
    for (const [event, when] of events) await evidence.record(ref, 'c1', 'email', event, when, 'msg-c1');
    await evidence.record(ref, 'c2', 'email', 'BouncePermanent', at(4), 'msg-c2');
    // Assess
    const read = await evidence.read(ref, 'email', ['c1', 'c2', 'c3']);
    expect([...read.keys()].sort()).toEqual(['c1', 'c2']);
    expect(read.get('c1')).toEqual({
      ...ref,
      customerId: 'c1',
      channel: 'email',
      messageId: 'msg-c1',
      seen: { Send: events[2][1], DeliveryDelay: events[0][1], Delivery: events[1][1] },
    });
    expect(evidenceState(read.get('c1')!.seen)).toBe('delivered');
    expect(evidenceState(read.get('c2')!.seen)).toBe('bounced');
    // The notice's counts: each recipient once per event, the repeated delivery not twice.
    expect(await evidence.counts(ref, 'email')).toEqual({ ...noEvidenceCounts(), Send: 1, Delivery: 1, DeliveryDelay: 1, BouncePermanent: 1 });
    expect(reputationOf(await evidence.counts(ref, 'email'))).toEqual({ bounceRate: 1, complaintRate: 0 });
  });

  it("lives beside the customer's outcomes without being one", async () => {
    // Prepare: an outcome and its evidence for the same customer and notice.
    await ledger.recordOutcomes([{ ...ref, customerId: 'c4', channel: 'email', status: 'SENT', batchKey: 'c000000#en#0', at: at(0) }]);
    await evidence.record(ref, 'c4', 'email', 'Delivery', at(1));
    // Act
    const outcomes = await ledger.outcomesForCustomer('c4');
    // Assess: the query by customer still answers outcomes only, and the outcome is untouched.
    expect(outcomes.map((o) => `${o.noticeId}/${o.channel}/${o.status}`)).toEqual(['first-notice-1/email/SENT']);
    expect((await evidence.read(ref, 'email', ['c4'])).get('c4')?.seen).toEqual({ Delivery: expect.any(String) });
  });

  it("one recipient's evidence is its own: another channel, notice or incident reads nothing", async () => {
    await evidence.record(ref, 'c5', 'email', 'Delivery', at(0));
    expect((await evidence.read(ref, 'sms', ['c5'])).size).toBe(0);
    expect((await evidence.read({ ...ref, noticeId: 'update-2' }, 'email', ['c5'])).size).toBe(0);
    expect((await evidence.read({ ...ref, incidentId: 'inc-20261120-0000000evid2' }, 'email', ['c5'])).size).toBe(0);
  });
});

describe('customers no channel reached', () => {
  it('are those a channel will never reach and no other channel has SENT', async () => {
    // Prepare: four customers of one notice. a: email bounced, SMS sent. b: email bounced, no other channel.
    // c: email rejected, SMS refused for good. d: email delivered.
    const notice = { incidentId: 'inc-20261120-0000000evid3', noticeId: 'first-notice-1' };
    const at = new Date().toISOString();
    const outcome = (customerId: string, channel: string, status: 'SENT' | 'FAILED') => ({
      ...notice,
      customerId,
      channel,
      status,
      batchKey: 'c000000#en#0',
      at,
    });
    await ledger.recordOutcomes([
      outcome('ua', 'email', 'SENT'),
      outcome('ua', 'sms', 'SENT'),
      outcome('ub', 'email', 'SENT'),
      outcome('uc', 'email', 'SENT'),
      outcome('uc', 'sms', 'FAILED'),
      outcome('ud', 'email', 'SENT'),
    ]);
    await evidence.record(notice, 'ua', 'email', 'BouncePermanent', at);
    await evidence.record(notice, 'ub', 'email', 'BouncePermanent', at);
    await evidence.record(notice, 'ub', 'email', 'BouncePermanent', at);
    await evidence.record(notice, 'uc', 'email', 'Reject', at);
    await evidence.record(notice, 'ud', 'email', 'Delivery', at);
    await evidence.record(notice, 'ud', 'email', 'BounceTransient', at);
    // Act
    const unreachable = await unreachableCustomers(notice, { evidence, ledger });
    // Assess
    expect(unreachable).toEqual([
      { customerId: 'ub', channels: [{ channel: 'email', why: 'BouncePermanent' }] },
      {
        customerId: 'uc',
        channels: [
          { channel: 'email', why: 'Reject' },
          { channel: 'sms', why: 'FAILED' },
        ],
      },
    ]);
  });
});
