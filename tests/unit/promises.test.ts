import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Notice } from '../../functions/domain/incident.js';
import {
  approvalWindows,
  defaultLeadSeconds,
  draftingStartsAt,
  planNotice,
  promiseRecords,
  promiseSettings,
  sendingMarginSeconds,
} from '../../functions/domain/promises.js';
import { noticeRecord } from '../support/notices.js';

const MINUTE = 60;
const HOUR = 3600;
const t0 = new Date('2026-11-20T10:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

describe('the lead: how long before an update is due its drafting starts', () => {
  it('by default both approval tiers in full and a third again for sending; a lead set wins', () => {
    // 4 h for the approvers and 4 h for the backup approvers: 10 h 40 min, 2 h 40 min of it for sending.
    expect(defaultLeadSeconds(4 * HOUR, 4 * HOUR)).toBe(640 * MINUTE);
    expect(sendingMarginSeconds(640 * MINUTE)).toBe(160 * MINUTE);
    expect(promiseSettings({ cadenceSeconds: HOUR, approvalSeconds: 35 * MINUTE, escalationSeconds: 5 * MINUTE, leadSeconds: 50 * MINUTE }).leadSeconds).toBe(
      50 * MINUTE,
    );
  });
});

describe('planNotice: the promise each notice makes and the approvals that keep the one before', () => {
  // The case: 1-hour cadence, approvers 35 min and backup approvers 5 min (the default lead: 53 min 20 s).
  const settings = promiseSettings({ cadenceSeconds: HOUR, approvalSeconds: 35 * MINUTE, escalationSeconds: 5 * MINUTE });

  it('first notice: planned to go out within the lead, promising the next update a cadence after; its approvals as configured', () => {
    // Act
    const plan = planNotice({ kind: 'first-notice', now: t0, settings });
    // Assess
    expect(settings.leadSeconds).toBe(3200);
    expect(plan).toEqual({
      promisedNextUpdateAt: iso(3200 + HOUR),
      sendBy: iso(3200 + HOUR - 800),
      approvalSeconds: 35 * MINUTE,
      escalationSeconds: 5 * MINUTE,
    });
  });

  it('update drafted on time (the lead before it is due): approvals end the sending margin before it is due, and it promises a cadence after its due time', () => {
    // Prepare: the first notice (drafted at t0) promised customers the update by t0 + 1 h 53 min 20 s.
    const due = iso(3200 + HOUR);
    const draftAt = draftingStartsAt(due, settings.leadSeconds);
    // Act
    const plan = planNotice({ kind: 'update', now: draftAt, dueAt: due, settings });
    // Assess: drafting starts an hour after the first notice was drafted; both tiers fit, ending 800 s before the due time.
    expect(draftAt).toEqual(at(HOUR));
    expect(plan).toEqual({
      promisedNextUpdateAt: iso(3200 + 2 * HOUR),
      sendBy: iso(3200 + 2 * HOUR - 800),
      approvalSeconds: 35 * MINUTE,
      escalationSeconds: 5 * MINUTE,
    });
    expect(draftAt.getTime() + (plan.approvalSeconds + plan.escalationSeconds + sendingMarginSeconds(settings.leadSeconds)) * 1000).toBe(Date.parse(due));
  });

  it('update drafted late (a promise already past): planned a lead from now, so its own promise is never in the past', () => {
    // Act
    const plan = planNotice({ kind: 'update', now: at(2 * HOUR), dueAt: iso(HOUR), settings });
    // Assess
    expect(plan.promisedNextUpdateAt).toBe(iso(2 * HOUR + 3200 + HOUR));
    expect([plan.approvalSeconds, plan.escalationSeconds]).toEqual([35 * MINUTE, 5 * MINUTE]);
  });

  it('approvals longer than the time left are shortened to end before it: the backup approvers keep a quarter at most', () => {
    // Act: 4 h and 4 h for an hourly cadence, with a lead of half an hour set (7.5 min of it for sending)
    const hourly = promiseSettings({ cadenceSeconds: HOUR, approvalSeconds: 4 * HOUR, escalationSeconds: 4 * HOUR, leadSeconds: 30 * MINUTE });
    const plan = planNotice({ kind: 'update', now: t0, dueAt: iso(30 * MINUTE), settings: hourly });
    // Assess
    expect([plan.approvalSeconds, plan.escalationSeconds]).toEqual([1012, 338]);
    expect(approvalWindows(100, 10, 600)).toEqual({ approvalSeconds: 10, escalationSeconds: 90 });
    expect(approvalWindows(1, 3600, 3600)).toEqual({ approvalSeconds: 1, escalationSeconds: 1 });
  });

  it('a closing notice promises nothing, and its approvals keep the promise before it', () => {
    // Act
    const plan = planNotice({ kind: 'closing', now: t0, dueAt: iso(20 * MINUTE), settings });
    // Assess
    expect(plan).toMatchObject({ promisedNextUpdateAt: null, sendBy: null });
    expect(plan.approvalSeconds + plan.escalationSeconds).toBe(40 * MINUTE);
  });

  it('for any settings the configuration accepts: an update approved within its timeouts can be sent by its sendBy, and one drafted on time by its due time', () => {
    const arbitrary = fc
      .record({
        cadenceMinutes: fc.integer({ min: 60, max: 24 * 90 * 60 }),
        approvalMinutes: fc.integer({ min: 5, max: 7 * 24 * 60 }),
        escalationMinutes: fc.integer({ min: 5, max: 7 * 24 * 60 }),
        lead: fc.option(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })),
        // Drafted this long after (or before) the lead before the due time.
        lateness: fc.integer({ min: -7 * 24 * 3600, max: 30 * 24 * 3600 }),
      })
      .map((r) => ({
        ...r,
        settings: promiseSettings({
          cadenceSeconds: r.cadenceMinutes * 60,
          approvalSeconds: r.approvalMinutes * 60,
          escalationSeconds: r.escalationMinutes * 60,
          // A lead set: 5 minutes up to shorter than the cadence, as infra/config.ts accepts.
          ...(r.lead === null ? {} : { leadSeconds: 60 * Math.floor(5 + r.lead * (r.cadenceMinutes - 5)) }),
        }),
      }))
      .filter(({ settings }) => settings.leadSeconds < settings.cadenceSeconds);
    fc.assert(
      fc.property(arbitrary, ({ settings, lateness }) => {
        const due = iso(0);
        const now = new Date(draftingStartsAt(due, settings.leadSeconds).getTime() + lateness * 1000);
        const plan = planNotice({ kind: 'update', now, dueAt: due, settings });
        const approvedBy = now.getTime() + (plan.approvalSeconds + plan.escalationSeconds) * 1000;
        expect(approvedBy).toBeLessThanOrEqual(Date.parse(plan.sendBy!));
        expect(Date.parse(plan.promisedNextUpdateAt!) - Date.parse(plan.sendBy!)).toBe(sendingMarginSeconds(settings.leadSeconds) * 1000);
        if (lateness <= 0) expect(approvedBy + sendingMarginSeconds(settings.leadSeconds) * 1000).toBeLessThanOrEqual(Date.parse(due));
        expect(Date.parse(plan.promisedNextUpdateAt!)).toBeGreaterThanOrEqual(now.getTime() + (settings.leadSeconds + settings.cadenceSeconds) * 1000);
      }),
    );
  });
});

describe('promiseRecords: each promise and whether the next notice kept it', () => {
  const incidentId = 'inc-20261120-0123456789ab';
  const sent = (kind: Notice['kind'], sequence: number, sentAt: number, promisedBy: number) =>
    noticeRecord({
      incidentId,
      noticeId: `${kind}-${sequence}`,
      kind,
      sequence,
      status: 'SENT',
      content: {},
      createdAt: iso(0),
      promisedNextUpdateAt: iso(promisedBy),
      sentAt: iso(sentAt),
    });

  it('kept, missed (with how late), missed with nothing since, open; a closing notice promises nothing', () => {
    // Prepare
    const notices = [
      sent('first-notice', 1, 30 * MINUTE, 2 * HOUR),
      sent('update', 2, 80 * MINUTE, 3 * HOUR),
      sent('update', 3, 3 * HOUR + 90, 4 * HOUR),
      noticeRecord({
        incidentId,
        noticeId: 'update-4',
        kind: 'update',
        sequence: 4,
        status: 'PENDING_APPROVAL',
        content: {},
        createdAt: iso(0),
        promisedNextUpdateAt: iso(9 * HOUR),
      }),
    ];
    // Act
    const before = promiseRecords(notices, at(4 * HOUR - 1));
    const after = promiseRecords([...notices, sent('closing', 5, 5 * HOUR, 5 * HOUR)], at(6 * HOUR));
    // Assess
    expect(before).toEqual([
      { noticeId: 'first-notice-1', promisedBy: iso(2 * HOUR), next: { noticeId: 'update-2', sentAt: iso(80 * MINUTE) }, outcome: 'kept' },
      { noticeId: 'update-2', promisedBy: iso(3 * HOUR), next: { noticeId: 'update-3', sentAt: iso(3 * HOUR + 90) }, outcome: 'missed', lateSeconds: 90 },
      { noticeId: 'update-3', promisedBy: iso(4 * HOUR), outcome: 'open' },
    ]);
    expect(promiseRecords(notices, at(4 * HOUR + 1)).at(-1)).toEqual({ noticeId: 'update-3', promisedBy: iso(4 * HOUR), outcome: 'missed' });
    expect(after.map((r) => [r.noticeId, r.outcome, r.next?.noticeId])).toEqual([
      ['first-notice-1', 'kept', 'update-2'],
      ['update-2', 'missed', 'update-3'],
      ['update-3', 'missed', 'closing-5'],
    ]);
  });
});
