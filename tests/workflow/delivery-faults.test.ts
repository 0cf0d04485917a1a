import type { SendBulkEmailCommandInput, SendBulkEmailCommandOutput } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { approvalFor, emailsPerRecipient, emailsTo, smsMessages, testConfig, uniquePrefix, until } from '../support/local.js';
import { decide, makeCustomers, sendAlarm, startScenario, teamActions, waitForState, waitForStatus, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('flt');
// One sender at a time: the faults are injected by call number, so the calls must come in order.
const config = testConfig(prefix, { audienceChunkSize: 100, maxParallelSenders: 1 });
const bucket = `faults-${prefix}`;
const COUNT = 260;
let s: Scenario;

/** Faults the emulators cannot produce, injected into the real SDK clients the handlers use. */
const faults = { sesCalls: 0, refused: 0, throttled: 0, crashAfterCall: 6, crashed: false, crashedCallSize: 0, smsRefused: 0 };
/** The customers of the call after which the ledger write crashes: that call's own write, whichever calls are in flight beside it. */
const crashedCall = new Set<string>();
const customerOfAddress = new Map(makeCustomers(bucket, bucket, COUNT).map((c) => [c.profile.email!, c.profile.customerId]));

beforeAll(async () => {
  s = await startScenario(prefix, config, {
    envOverrides: { MAX_CHUNKS_PER_INVOCATION: '1', CLAIM_LEASE_SECONDS: '1' },
    // The faults below go into the send step's SDK clients: it runs in this process.
    inProcess: ['send-notices'],
    // Retriers of the send state, in order: DeliveryRetryableError, BatchInFlightError, Lambda errors, DependencyError.
    retryIntervalOverrides: { 'Send notices: slice': [10, 300, 10, 10] },
  });
  await s.customers.putCustomers(makeCustomers(bucket, bucket, COUNT));
  const { ses, sns, dynamo } = await import('../../functions/shared/clients.js');

  ses.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SendBulkEmailCommand') return next(args);
      faults.sesCalls += 1;
      const input = args.input as SendBulkEmailCommandInput;
      if (faults.sesCalls === 2) {
        // The provider answers 429: it refused the call and accepted nothing.
        faults.refused += input.BulkEmailEntries!.length;
        throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $fault: 'client', $metadata: { httpStatusCode: 429 } });
      }
      if (faults.sesCalls === 4) {
        // A 200 whose first 7 entries were throttled (and so never delivered).
        const entries = input.BulkEmailEntries!;
        const out = (await next({ ...args, input: { ...input, BulkEmailEntries: entries.slice(7) } })) as { output: SendBulkEmailCommandOutput };
        faults.throttled += 7;
        out.output.BulkEmailEntryResults = [
          ...Array.from({ length: 7 }, () => ({ Status: 'ACCOUNT_THROTTLED' as const, Error: 'Maximum sending rate exceeded.' })),
          ...(out.output.BulkEmailEntryResults ?? []),
        ];
        return out as never;
      }
      if (faults.sesCalls === faults.crashAfterCall) {
        faults.crashedCallSize = input.BulkEmailEntries!.length;
        for (const e of input.BulkEmailEntries!) crashedCall.add(customerOfAddress.get(e.Destination!.ToAddresses![0]!)!);
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectSesFaults' },
  );

  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TransactItems?: Record<string, { TableName?: string; Item?: { customerId?: string } }>[] };
      const deliveries = s.system.tables.deliveries;
      // Outcomes go with the claim's completion in one transaction (every call here is under its 100 items).
      const ofCrashedCall =
        context.commandName?.startsWith('TransactWrite') &&
        input.TransactItems?.some((item) => {
          const op = Object.values(item)[0];
          return op?.TableName === deliveries && crashedCall.has(op.Item?.customerId ?? '');
        });
      if (ofCrashedCall && !faults.crashed) {
        // The provider accepted the call, then the connection died before the outcomes were written.
        faults.crashed = true;
        throw Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectLedgerCrash' },
  );

  sns.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { PhoneNumber?: string };
      if (context.commandName === 'PublishCommand' && input.PhoneNumber?.endsWith('00003') && faults.smsRefused === 0) {
        faults.smsRefused += 1;
        // SNS refuses (throttles) one publish: answered, nothing accepted, so it is retried.
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException', $fault: 'client', $metadata: { httpStatusCode: 429 } });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectSmsFault' },
  );
});

afterAll(async () => {
  await s?.system.stop();
});

describe('sending under faults', () => {
  it('a refused (429) call, throttled entries, a crash after the provider accepted and a throttled SMS: zero duplicates, zero lost, the uncertain settled by evidence', async () => {
    const out = await sendAlarm(s, guardDutyFinding({ bucket }));
    const incidentId = out.incidents![0]!.incidentId;
    await decide(s, config.approverEmails[0]!, 'approve');
    await waitForState(s, incidentId, 'Wait for update approval');

    // Every fault happened.
    expect(faults).toMatchObject({ refused: 50, throttled: 7, crashed: true, smsRefused: 1 });

    // The mailbox: each of the 260 customers exactly one first notice. No duplicates, nobody missing.
    const perAddress = await emailsPerRecipient(`.${bucket}@example.com`);
    expect(perAddress.size).toBe(COUNT);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);

    // SMS: one each for the 87 who chose it, including the number whose first publish failed.
    const sms = await smsMessages();
    const phones = makeCustomers(bucket, bucket, COUNT).flatMap((c) => (c.profile.phone ? [c.profile.phone] : []));
    expect(phones).toHaveLength(87);
    for (const phone of phones) expect(sms[phone]?.length, phone).toBe(1);

    // The ledger: the crashed call's recipients were UNCERTAIN (delivered, but unrecorded), then settled by
    // SES's events under their message tags: every one of them SENT, nobody sent again.
    const uncertain = faults.crashedCallSize;
    expect(uncertain).toBeGreaterThan(0);
    const totals = await s.ledger.noticeTotals({ incidentId, noticeId: 'first-notice-1' });
    expect(totals.email).toMatchObject({ sent: COUNT, failed: 0, uncertain: 0, unfinished: 0 });
    expect(totals.sms).toMatchObject({ sent: 87, failed: 0, uncertain: 0, unfinished: 0 });
    const outcomes = await Promise.all(makeCustomers(bucket, bucket, COUNT).map((c) => s.ledger.outcomesForCustomer(c.profile.customerId)));
    const emailOutcomes = outcomes.map((list) => list.find((o) => o.channel === 'email' && o.incidentId === incidentId));
    expect(emailOutcomes.filter((o) => o?.status === 'SENT')).toHaveLength(COUNT);
    const confirmed = emailOutcomes.filter((o) => o?.reason === 'confirmed by the provider’s delivery evidence').map((o) => o!.customerId);
    expect(confirmed.sort()).toEqual([...crashedCall].sort());

    // And the timeline reports it: settled by evidence before the notice counted as sent.
    const timeline = await s.incidents.listTimeline(incidentId);
    expect(timeline.find((e) => e.action === 'uncertain-settled')?.detail).toEqual({
      noticeId: 'first-notice-1',
      confirmed: uncertain,
      reopened: 0,
      left: 0,
      behind: 0,
    });
    const sent = timeline.find((e) => e.action === 'notice-sent');
    expect(JSON.stringify(sent?.detail)).toContain('"uncertain":0');

    // Closed while the update awaits approval: the close takes that request back and the closing notice is asked for instead.
    await approvalFor(config.approverEmails[0]!, 2, incidentId);
    await teamActions(s).close({ incidentId, author: 'operator@example.com' });
    await decide(s, config.approverEmails[0]!, 'approve', 3); // the closing notice
    expect(await waitForStatus(s, incidentId, ['SUCCEEDED', 'FAILED'])).toBe('SUCCEEDED');
    // The final report has nobody left to reconcile.
    const report = await until(async () => (await emailsTo(config.approverEmails[0]!)).find((m) => m.subject.startsWith('Final report')), 'the final report');
    expect(report.body.text!.split('\n').filter((l) => l.includes('to reconcile'))).toEqual([]);
  });
});
