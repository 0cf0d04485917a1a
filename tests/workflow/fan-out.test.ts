import type { SendBulkEmailCommandInput, SendBulkEmailCommandOutput } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS_IN_FLIGHT } from '../../functions/steps/send-notices.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { emailsPerRecipient, testConfig, topicMessages, uniquePrefix } from '../support/local.js';
import { decide, makeCustomers, sendAlarm, startScenario, waitForState, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('fan');
const COUNT = 600;
const RATE = 300;
// 600 customers in chunks of 50, two chunks per slice: 6 slices; at 300/s two senders of 150/s each.
const SENDERS = 2;
const config = testConfig(prefix, { audienceChunkSize: 50, maxParallelSenders: 4 });
const bucket = `fan-${prefix}`;
let s: Scenario;
const seen = { calls: 0, paused: 0, inFlight: 0, maxInFlight: 0 };
/** Each call that went through to the emulator: when (ms) and for how many recipients. */
const sends: { at: number; recipients: number }[] = [];

beforeAll(async () => {
  // The probe below goes into the send and plan steps' SDK clients: they run in this process.
  s = await startScenario(prefix, config, { envOverrides: { MAX_CHUNKS_PER_INVOCATION: '2' }, inProcess: ['prepare-sending', 'send-notices'] });
  await s.customers.putCustomers(makeCustomers(bucket, bucket, COUNT));
  const { ses } = await import('../../functions/shared/clients.js');
  ses.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetAccountCommand') {
        // The account's quota, as SES would report it (the shared emulator's is not ours to change).
        const out = (await next(args)) as { output: { SendQuota?: object; SendingEnabled?: boolean } };
        out.output.SendQuota = { MaxSendRate: RATE, Max24HourSend: 1_000_000, SentLast24Hours: 0 };
        return out as never;
      }
      if (context.commandName !== 'SendBulkEmailCommand') return next(args);
      seen.calls += 1;
      seen.inFlight += 1;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      try {
        const input = args.input as SendBulkEmailCommandInput;
        if (seen.calls === 3) {
          // The account is paused for one call's worth of time: SES answers 200 and refuses every entry.
          seen.paused += input.BulkEmailEntries!.length;
          return {
            output: {
              BulkEmailEntryResults: input.BulkEmailEntries!.map(() => ({ Status: 'ACCOUNT_SENDING_PAUSED', Error: 'Sending paused' })),
              $metadata: {},
            } as SendBulkEmailCommandOutput,
            response: {},
          } as never;
        }
        sends.push({ at: performance.now(), recipients: input.BulkEmailEntries!.length });
        return await next(args);
      } finally {
        seen.inFlight -= 1;
      }
    },
    { step: 'initialize', name: 'fanOutProbe' },
  );
});
afterAll(async () => {
  await s?.system.stop();
});

describe('sending in parallel slices, paced under the account quota', () => {
  it('a slice stopped by a paused account never stops the others, is resumed from where it stopped, and nobody gets two emails', async () => {
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await decide(s, config.approverEmails[0]!, 'approve');
    await waitForState(s, incidentId, 'Wait for update approval');

    // Every customer exactly one email, the paused ones included (on the second round).
    const perAddress = await emailsPerRecipient(`.${bucket}@example.com`);
    expect(perAddress.size).toBe(COUNT);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
    expect(seen.paused).toBeGreaterThan(0);
    // Two senders at once, as the quota asks (300/s at 200/s per sender); paced, a sender's calls seldom overlap.
    expect(seen.maxInFlight).toBeGreaterThanOrEqual(SENDERS);
    expect(seen.maxInFlight).toBeLessThanOrEqual(SENDERS * CALLS_IN_FLIGHT);

    const timeline = await s.incidents.listTimeline(incidentId);
    expect(timeline.find((e) => e.action === 'sending-planned')?.detail).toMatchObject({
      noticeId: 'first-notice-1',
      slices: 6,
      concurrency: SENDERS,
      ratePerSecond: RATE / SENDERS,
      maxSendRate: RATE,
    });
    const unfinished = timeline.filter((e) => e.action === 'sending-unfinished' && e.detail?.noticeId === 'first-notice-1');
    expect(unfinished.map((e) => e.detail)).toEqual([expect.objectContaining({ slicesLeft: 1, errors: { SendingPausedError: 1 }, round: 0 })]);
    expect(timeline.filter((e) => e.action === 'notice-sent' && e.detail?.noticeId === 'first-notice-1')).toHaveLength(1);
    expect((await s.ledger.noticeTotals({ incidentId, noticeId: 'first-notice-1' })).email).toMatchObject({
      sent: COUNT,
      failed: 0,
      uncertain: 0,
      retryable: 0,
    });
    const pages = await topicMessages(s.system.responseTeamTopicArn);
    expect(pages.some((p) => p.message.includes('SES sending is paused'))).toBe(true);

    // Paced: in no second (sliding, to the millisecond, as the calls left) more than the rate, give or take a call per sender.
    // (The emulator stores whole seconds, too coarse to tell.)
    let busiest = 0;
    for (const first of sends)
      busiest = Math.max(
        busiest,
        sends.filter((x) => x.at >= first.at && x.at < first.at + 1000).reduce((sum, x) => sum + x.recipients, 0),
      );
    expect(busiest).toBeLessThanOrEqual(RATE + SENDERS * 50);
  });
});
