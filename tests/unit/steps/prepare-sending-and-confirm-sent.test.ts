import { CHANNEL_CONTACTS } from '../../../functions/domain/channels/contact.js';
import type { NoticeRef } from '../../../functions/domain/delivery.js';
import { describe, expect, it } from 'vitest';
import { confirmSending, type ConfirmDeps } from '../../../functions/steps/confirm-sent.js';
import { LATE_EVIDENCE_LOOKS } from '../../../functions/steps/settle-by-evidence.js';
import { planSending, type PlanSendingDeps } from '../../../functions/steps/prepare-sending.js';
import { limitsFromPercent } from '../../../functions/domain/reputation.js';
import { FakeClock, FakeEmail, FakeEvidence, FakeIncidents, FakeLedger, FakeNotices, FakePromiseClocks } from '../../support/fakes.js';
import { noticeRecord } from '../../support/notices.js';
import { noEvidenceCounts } from '../../../functions/domain/delivery-evidence.js';

const incidentId = 'inc-20261120-0123456789ab';
const at = '2026-11-20T08:00:00.000Z';
const noticeId = 'first-notice-1';

function world(chunks: number, emails: number) {
  const clock = new FakeClock(Date.parse('2026-11-20T10:00:00Z'));
  const incidents = new FakeIncidents(clock);
  incidents.incidents.set(incidentId, {
    incidentId,
    source: 'guardduty',
    findingKey: 'f',
    alarmSeverity: 8,
    title: 't',
    description: '',
    affectedResources: [],
    firstSeenAt: at,
    status: 'OPEN',
    scope: 'KNOWN',
    severity: 'HIGH',
    createdAt: at,
    audienceChunks: chunks,
    impact: { affectedCustomers: emails, byDataCategory: {}, byJurisdiction: {}, byLocale: {}, byChannel: { email: emails } },
  });
  const email = new FakeEmail();
  const alerts: { event: string; message: string }[] = [];
  const alertTeam = async (event: string, _subject: string, message: string) => void alerts.push({ event, message });
  const notices = new FakeNotices();
  void notices.createNotice(
    noticeRecord({ incidentId, noticeId, kind: 'first-notice', sequence: 1, status: 'APPROVED', content: {}, createdAt: at, promisedNextUpdateAt: at }),
  );
  const plan: PlanSendingDeps = { incidents, notices, email, alertTeam, clock, chunksPerSlice: 20, maxConcurrency: 10, perSenderRate: 200 };
  // No call left anyone UNCERTAIN here: settling by evidence is tests/integration/evidence-settlement.test.ts's.
  const evidence = {
    ledger: { uncertainCalls: async () => [], settleUncertain: async () => true },
    evidence: { read: async () => new Map(), counts: async () => noEvidenceCounts() },
    clock,
    evidenceChannels: ['email'],
    evidenceWindowSeconds: 60,
  };
  const counts = new FakeEvidence();
  const reputation = { evidence: counts, limits: limitsFromPercent(2.5, 0.05, 100) };
  const promises = new FakePromiseClocks();
  const ledger = new FakeLedger();
  // Nobody bounced here: fallback is tests/integration/fallback.test.ts's and tests/workflow/fallback.test.ts's.
  const fallback = {
    evidence: { undeliverable: async () => [], counts: (ref: NoticeRef, channel: string) => counts.counts(ref, channel) },
    ledger: Object.assign(ledger, { planFallbacks: async () => [] }),
    customers: { getProfiles: async () => new Map() },
    channels: CHANNEL_CONTACTS,
    evidenceChannels: ['email'],
    evidenceWindowSeconds: 60,
    clock,
  };
  const confirm: ConfirmDeps = { incidents, notices, ledger, evidence, fallback, reputation, promises, alertTeam, clock };
  return { plan, confirm, email, incidents, notices, alerts, counts, promises, clock };
}

describe('planSending', () => {
  it('1,000,000 customers (2,000 chunks) at 1,000/s: 100 slices, 5 senders at 200/s each', async () => {
    const { plan, email, incidents } = world(2000, 1_000_000);
    email.quota = { maxSendRate: 1000, max24HourSend: 5_000_000, sentLast24Hours: 0, sendingEnabled: true };
    const result = await planSending({ incidentId, noticeId }, plan);
    expect(result.slices).toHaveLength(100);
    expect(result.slices[0]).toEqual({ from: 0, to: 20 });
    expect(result.slices.at(-1)).toEqual({ from: 1980, to: 2000 });
    expect(result).toMatchObject({ concurrency: 5, ratePerSecond: 200, round: 0 });
    expect(incidents.timeline.map((e) => e.action)).toEqual(['sending-planned']);
  });

  it('the sandbox rate (14/s) gives one sender at 14/s; never more senders than slices or the configured ceiling', async () => {
    const { plan, email } = world(3, 1000);
    email.quota = { maxSendRate: 14, max24HourSend: 200, sentLast24Hours: 0, sendingEnabled: true };
    expect(await planSending({ incidentId, noticeId }, plan)).toMatchObject({ slices: [{ from: 0, to: 3 }], concurrency: 1, ratePerSecond: 14 });
    email.quota = { maxSendRate: 100_000, max24HourSend: -1, sentLast24Hours: 0, sendingEnabled: true };
    const { plan: big } = world(2000, 1_000_000);
    big.email = email;
    expect(await planSending({ incidentId, noticeId }, big)).toMatchObject({ concurrency: 10, ratePerSecond: 10_000 });
  });

  it('a small audience is shared by the senders the rate calls for: 20 chunks at 1,000/s are 5 slices of 4 for 5 senders', async () => {
    const { plan, email } = world(20, 10_000);
    email.quota = { maxSendRate: 1000, max24HourSend: 5_000_000, sentLast24Hours: 0, sendingEnabled: true };
    const result = await planSending({ incidentId, noticeId }, plan);
    expect(result.slices).toEqual([0, 4, 8, 12, 16].map((from) => ({ from, to: from + 4 })));
    expect(result).toMatchObject({ concurrency: 5, ratePerSecond: 200 });
  });

  it('a daily quota too small for the audience is on the timeline and paged, with the time the last email should go', async () => {
    const { plan, email, incidents, alerts } = world(40, 20_000);
    email.quota = { maxSendRate: 14, max24HourSend: 10_000, sentLast24Hours: 4_000, sendingEnabled: true };
    await planSending({ incidentId, noticeId }, plan);
    const short = incidents.timeline.find((e) => e.action === 'daily-quota-short');
    expect(short?.detail).toMatchObject({ emails: 20_000, leftToday: 6_000, expectedFinishAt: '2026-11-22T10:00:00.000Z' });
    expect(alerts.map((a) => a.event)).toEqual(['daily-quota-short']);
  });

  it('a notice approved after its sendBy is not sent: customers would read a promise already past; it waits for approval again, drafted anew', async () => {
    // Prepare: it promised the next update by 10:20, and sending had to start by 09:50; it is 10:00.
    const { plan, notices, incidents, alerts } = world(3, 100);
    await notices.createNotice({
      ...(await notices.getNotice(incidentId, noticeId)),
      promisedNextUpdateAt: '2026-11-20T10:20:00.000Z',
      sendBy: '2026-11-20T09:50:00.000Z',
    });
    // Act
    const act = planSending({ incidentId, noticeId }, plan);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'PromisePassedError' });
    expect((await notices.getNotice(incidentId, noticeId)).status).toBe('PENDING_APPROVAL');
    expect(incidents.timeline.map((e) => [e.action, e.detail])).toEqual([
      ['notice-too-late-for-its-promise', { noticeId, version: 1, promisedNextUpdateAt: '2026-11-20T10:20:00.000Z', sendBy: '2026-11-20T09:50:00.000Z' }],
    ]);
    expect(alerts.map((a) => a.event)).toEqual(['notice-too-late-for-its-promise']);
  });

  it('a notice approved before its sendBy is planned as usual', async () => {
    // Prepare
    const { plan, notices } = world(3, 100);
    await notices.createNotice({ ...(await notices.getNotice(incidentId, noticeId)), sendBy: '2026-11-20T10:00:01.000Z' });
    // Act
    const result = await planSending({ incidentId, noticeId }, plan);
    // Assess
    expect(result.slices).toEqual([{ from: 0, to: 3 }]);
    expect((await notices.getNotice(incidentId, noticeId)).status).toBe('APPROVED');
  });

  it('sending paused for the account pages the team at once', async () => {
    const { plan, email, alerts } = world(1, 10);
    email.quota = { maxSendRate: 14, max24HourSend: 200, sentLast24Hours: 0, sendingEnabled: false };
    await planSending({ incidentId, noticeId }, plan);
    expect(alerts.map((a) => a.event)).toEqual(['sending-paused']);
  });
});

describe('confirmSending', () => {
  const plan = {
    slices: [
      { from: 0, to: 20 },
      { from: 20, to: 40 },
      { from: 40, to: 45 },
    ],
    concurrency: 2,
    ratePerSecond: 7,
    round: 0,
  };

  it('a lost call whose evidence is behind: each look that waits is counted in the plan, and the last one sends it again', async () => {
    // Prepare: one email call lost whole (no witness), its window over; SES's Send events for the notice keep coming, never its own.
    const { confirm, clock } = world(45, 100);
    const lost = {
      channel: 'email',
      batchKey: 'c000002#en#0',
      attempts: 1,
      completedAt: new Date(clock.now().getTime() - 61_000).toISOString(),
      evidenceRounds: 0,
      totals: { sent: 0, failed: 0, retryable: 0, uncertain: 1 },
      uncertainIds: ['u1'],
      recipients: ['u1'],
    };
    let sends = 0;
    const deps: ConfirmDeps = {
      ...confirm,
      evidence: {
        ...confirm.evidence,
        ledger: { uncertainCalls: async () => [lost], settleUncertain: async () => true },
        evidence: { read: async () => new Map(), counts: async () => ({ ...noEvidenceCounts(), Send: ++sends }) },
      },
    };
    const results = [{ done: true }, { done: true }, { done: true }];
    // Act: confirm as the workflow loops, its plan carried back and the clock moved by each wait.
    let next = await confirmSending({ incidentId, noticeId, results, plan }, deps);
    const looks: number[] = [];
    while (next.awaitingEvidence) {
      looks.push(next.lateEvidence.looks);
      clock.current += next.waitSeconds * 1000;
      next = await confirmSending({ incidentId, noticeId, results: [], plan: next }, deps);
    }
    // Assess: looks 1 to LATE_EVIDENCE_LOOKS, the counts carried; then the call's chunk goes round again.
    expect(looks).toEqual(Array.from({ length: LATE_EVIDENCE_LOOKS }, (_, i) => i + 1));
    expect(next).toMatchObject({ done: false, awaitingEvidence: false, slices: [{ from: 2, to: 3 }], lateEvidence: { looks: LATE_EVIDENCE_LOOKS } });
    expect(next.lateEvidence.seen.email).toBe(sends);
  });

  it('every slice done: the notice is sent, once, with the ledger totals on the timeline', async () => {
    const { confirm, notices, incidents } = world(45, 100);
    const results = [{ done: true }, { done: true }, { done: true }];
    expect(await confirmSending({ incidentId, noticeId, results, plan }, confirm)).toMatchObject({ done: true, slices: [], waitSeconds: 0 });
    await confirmSending({ incidentId, noticeId, results, plan }, confirm);
    const notice = await notices.getNotice(incidentId, noticeId);
    expect(notice.status).toBe('SENT');
    // Reconciled once and kept for the final report (the fake ledger has no plan: nothing intended).
    expect(notice.reconciliation).toEqual({ channels: {}, plannedChunks: 0, problems: [], uncertain: {} });
    expect(incidents.timeline.map((e) => e.action)).toEqual(['notice-sent']);
  });

  it("the update sent by the time the last notice promised keeps that promise (both times on the timeline); its own promise's clock starts, the kept one's stops", async () => {
    // Prepare: the first notice, sent, promised customers an update by 10:30; update-2 goes out at 10:00.
    const { confirm, notices, incidents, promises } = world(45, 100);
    await notices.createNotice({ ...(await notices.getNotice(incidentId, noticeId)), status: 'SENT', promisedNextUpdateAt: '2026-11-20T10:30:00.000Z' });
    await promises.open({ incidentId, noticeId, promisedBy: '2026-11-20T10:30:00.000Z' });
    await notices.createNotice(
      noticeRecord({
        incidentId,
        noticeId: 'update-2',
        kind: 'update',
        sequence: 2,
        status: 'APPROVED',
        content: {},
        createdAt: at,
        promisedNextUpdateAt: '2026-11-20T11:30:00.000Z',
      }),
    );
    // Act
    await confirmSending({ incidentId, noticeId: 'update-2', results: [{ done: true }], plan }, confirm);
    // Assess
    expect(incidents.timeline.map((e) => [e.action, e.detail])).toEqual([
      ['notice-sent', expect.anything()],
      ['promise-kept', { noticeId, promisedBy: '2026-11-20T10:30:00.000Z', by: 'update-2', sentAt: '2026-11-20T10:00:00.000Z' }],
    ]);
    expect([...promises.markers.values()]).toEqual([{ incidentId, noticeId: 'update-2', promisedBy: '2026-11-20T11:30:00.000Z' }]);
  });

  it('sent after the time promised: the promise was fulfilled late, and the timeline says by how much; a closing notice starts no clock of its own', async () => {
    // Prepare: promised by 09:45; the closing notice goes out at 10:00.
    const { confirm, notices, incidents, promises } = world(45, 100);
    await notices.createNotice({ ...(await notices.getNotice(incidentId, noticeId)), status: 'SENT', promisedNextUpdateAt: '2026-11-20T09:45:00.000Z' });
    await notices.createNotice(
      noticeRecord({
        incidentId,
        noticeId: 'closing-2',
        kind: 'closing',
        sequence: 2,
        status: 'APPROVED',
        content: {},
        createdAt: at,
        promisedNextUpdateAt: at,
      }),
    );
    // Act
    await confirmSending({ incidentId, noticeId: 'closing-2', results: [{ done: true }], plan }, confirm);
    // Assess
    expect(incidents.timeline.at(-1)).toMatchObject({
      action: 'promise-fulfilled-late',
      detail: { noticeId, promisedBy: '2026-11-20T09:45:00.000Z', by: 'closing-2', sentAt: '2026-11-20T10:00:00.000Z', lateSeconds: 900 },
    });
    expect(promises.markers.size).toBe(0);
  });

  it('one slice unfinished: only it goes round again, from where it stopped, and the team is told why', async () => {
    const { confirm, notices, alerts } = world(45, 100);
    const results = [{ done: true }, { done: false, from: 27, to: 40, error: 'DeliveryRetryableError' }, { done: true }];
    const next = await confirmSending({ incidentId, noticeId, results, plan }, confirm);
    expect(next).toMatchObject({ done: false, slices: [{ from: 27, to: 40 }], round: 1, waitSeconds: 300, concurrency: 2, ratePerSecond: 7 });
    expect((await notices.getNotice(incidentId, noticeId)).status).toBe('APPROVED');
    expect(alerts.map((a) => a.event)).toEqual(['sending-unfinished']);
  });

  it("a provider that refuses for good: the team is paged every round with the provider's reason and what to check, and the slices wait 900 s", async () => {
    // Prepare: two slices refused, as Step Functions reports a function's error: Lambda's JSON of it (errorType, errorMessage, trace).
    const { confirm, alerts, incidents } = world(45, 100);
    const reason = 'SES refused: MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: <address>';
    const cause = JSON.stringify({
      errorType: 'ProviderRefusedError',
      errorMessage: reason,
      trace: [`ProviderRefusedError: ${reason}`, '    at runBatch (file:///var/task/index.mjs:1:2345)'],
    });
    const results = [
      { done: false, from: 0, to: 20, error: 'ProviderRefusedError', cause },
      { done: false, from: 20, to: 40, error: 'ProviderRefusedError', cause },
      { done: true },
    ];
    // Act: three rounds in a row (the paging of other errors skips rounds 1 to 3).
    const rounds = [];
    for (const round of [0, 1, 2]) rounds.push(await confirmSending({ incidentId, noticeId, results, plan: { ...plan, round } }, confirm));
    // Assess
    expect(rounds.map((r) => [r.waitSeconds, r.round, r.slices])).toEqual(
      [0, 1, 2].map((round) => [
        900,
        round + 1,
        [
          { from: 0, to: 20 },
          { from: 20, to: 40 },
        ],
      ]),
    );
    expect(alerts.map((a) => a.event)).toEqual(['provider-refused', 'provider-refused', 'provider-refused']);
    expect(alerts[1]!.message).toBe(
      [
        'Round 2 of sending first-notice-1 left 2 slices unfinished (ProviderRefusedError x2): refused in a way that waiting does not fix.',
        reason,
        "Check the send function's role (ses:SendBulkEmail), that the notice templates and the configuration set exist, the sender identity's verification and SES production access (out of the sandbox; npm run preflight checks these two).",
        'The workflow tries again in 900 s, and pages again each round until the provider accepts; nobody already sent is sent again.',
      ].join('\n'),
    );
    expect(incidents.timeline.filter((e) => e.action === 'sending-unfinished').map((e) => e.detail)).toEqual(
      [0, 1, 2].map((round) => expect.objectContaining({ errors: { ProviderRefusedError: 2 }, refusals: [reason], round, waitSeconds: 900 })),
    );
  });

  it('a refusal page never carries an address or a number, whatever the cause holds', async () => {
    const { confirm, alerts } = world(45, 100);
    const cause = 'SNS refused: AuthorizationErrorException: not authorized on resource: +447700900123 for customer@example.com';
    await confirmSending({ incidentId, noticeId, results: [{ done: false, from: 0, to: 20, error: 'ProviderRefusedError', cause }], plan }, confirm);
    expect(alerts[0]!.message).toContain('SNS refused: AuthorizationErrorException: not authorized on resource: <phone number> for <address>');
    expect(alerts[0]!.message).toContain("Check the send function's role (sns:Publish)");
    expect(alerts[0]!.message).not.toMatch(/@|\+44/);
  });

  it('slices the reputation guard stopped: the team is paged every round with the figures, what they mean and how to go on; 900 s between rounds', async () => {
    // Prepare: 31 permanent bounces in 1,000 accepted (3.1% > 2.5%); two slices stopped by the guard, one by throttling
    const { confirm, alerts, incidents, counts } = world(45, 100);
    counts.set({ incidentId, noticeId }, 'email', { Send: 1000, Delivery: 950, BouncePermanent: 31, Complaint: 0, DeliveryDelay: 2 });
    const results = [
      { done: false, from: 0, to: 20, error: 'ReputationPausedError' },
      { done: false, from: 20, to: 40, error: 'ReputationPausedError' },
      { done: false, from: 40, to: 45, error: 'DeliveryRetryableError' },
    ];
    // Act: three rounds in a row (other errors page only every fourth)
    const rounds = [];
    for (const round of [0, 1, 2]) rounds.push(await confirmSending({ incidentId, noticeId, results, plan: { ...plan, round } }, confirm));
    // Assess
    expect(rounds.map((r) => [r.waitSeconds, r.slices.length, r.done])).toEqual([0, 1, 2].map(() => [900, 3, false]));
    expect(alerts.map((a) => a.event)).toEqual(['sending-paused-reputation', 'sending-paused-reputation', 'sending-paused-reputation']);
    const page = alerts[1]!.message;
    expect(page).toContain(
      'Sending first-notice-1 is paused (round 2, 2 of 3 unfinished slices stopped by it): bounce rate 3.10% (31 permanent bounces of 1000 accepted) above the limit of 2.50%.',
    );
    expect(page).toContain('1000 accepted by SES, 950 delivered, 31 bounced for good (3.10%), 0 complaints (0.00%)');
    expect(page).toContain(
      'SES reviews an account from a bounce rate of about 5% or a complaint rate of about 0.1% and may pause its sending; every later notice and update, of this incident and any other, would stop',
    );
    expect(page).toContain(`npm run incident -- resume-sending ${incidentId} ${noticeId}`);
    expect(page).not.toMatch(/@/);
    expect(incidents.timeline.filter((e) => e.action === 'sending-paused-reputation').map((e) => e.detail)).toEqual(
      [0, 1, 2].map((round) =>
        expect.objectContaining({ noticeId, round, breaches: ['bounce'], accepted: 1000, delivered: 950, bounced: 31, bounceRate: 0.031, slicesStopped: 2 }),
      ),
    );
  });

  it('no reputation page once the team resumed the notice, or when its rates are back under the limits: the next round goes on by itself', async () => {
    const { confirm, alerts, notices, counts } = world(45, 100);
    const results = [{ done: false, from: 0, to: 20, error: 'ReputationPausedError' }];
    // Complaints per delivery fell back under the limit as deliveries came in.
    counts.set({ incidentId, noticeId }, 'email', { Send: 5000, Delivery: 4000, Complaint: 1 });
    await confirmSending({ incidentId, noticeId, results, plan: { ...plan, round: 1 } }, confirm);
    counts.set({ incidentId, noticeId }, 'email', { Send: 1000, Delivery: 950, BouncePermanent: 31 });
    await notices.resumeSending(incidentId, noticeId, { by: 'lead@example.com', at, accepted: 1000, delivered: 950, bounceRate: 0.031 });
    await confirmSending({ incidentId, noticeId, results, plan: { ...plan, round: 2 } }, confirm);
    expect(alerts).toEqual([]);
  });

  it('waits for people when sending is paused, for the window when the daily quota is spent, longer each round otherwise', async () => {
    const { confirm } = world(45, 100);
    const stopped = (error: string) => [{ done: false, from: 0, to: 20, error }];
    expect((await confirmSending({ incidentId, noticeId, results: stopped('SendingPausedError'), plan }, confirm)).waitSeconds).toBe(900);
    expect((await confirmSending({ incidentId, noticeId, results: stopped('ReputationPausedError'), plan }, confirm)).waitSeconds).toBe(900);
    expect((await confirmSending({ incidentId, noticeId, results: stopped('DailyQuotaExceededError'), plan }, confirm)).waitSeconds).toBe(3600);
    expect((await confirmSending({ incidentId, noticeId, results: stopped('States.Timeout'), plan: { ...plan, round: 2 } }, confirm)).waitSeconds).toBe(1200);
    expect((await confirmSending({ incidentId, noticeId, results: stopped('States.Timeout'), plan: { ...plan, round: 9 } }, confirm)).waitSeconds).toBe(3600);
  });
});
