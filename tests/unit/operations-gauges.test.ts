import { describe, expect, it } from 'vitest';
import { approvalGauges, promiseGauges, sendQuotaGauges } from '../../functions/domain/operations.js';
import type { ObligationRecord } from '../../functions/domain/obligations/record.js';
import { measureOperations } from '../../functions/steps/operations-gauges.js';
import { sweepRegulatorClocks } from '../../functions/steps/regulator-clocks.js';

const now = new Date();
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

describe("operators' gauges", () => {
  it('counts the approvals waiting, the oldest one by age and those past their own timeout; decided ones are not waiting', () => {
    // Prepare
    const requests = [
      { status: 'PENDING' as const, createdAt: ago(300), expiresAt: ago(60) },
      { status: 'PENDING' as const, createdAt: ago(10), expiresAt: ago(-230) },
      { status: 'APPROVED' as const, createdAt: ago(900), expiresAt: ago(700) },
      { status: 'SUPERSEDED' as const, createdAt: ago(800), expiresAt: ago(600) },
    ];
    // Act
    const gauges = approvalGauges(requests, now);
    // Assess
    expect(gauges).toEqual({ approvalsWaiting: 2, approvalsOverdue: 1, oldestApprovalAge: 300 * 60 });
    expect(approvalGauges([], now)).toEqual({ approvalsWaiting: 0, approvalsOverdue: 0 });
  });

  it('counts the promises due within a day and the time to the next, leaving out those already due', () => {
    // Act
    const gauges = promiseGauges(
      [
        { incidentId: 'a', noticeId: 'n1', promisedBy: ago(5) },
        { incidentId: 'b', noticeId: 'n2', promisedBy: ago(-90) },
        { incidentId: 'c', noticeId: 'n3', promisedBy: ago(-30) },
      ],
      now,
    );
    // Assess
    expect(gauges).toEqual({ promisesDueWithinDay: 2, nextPromiseDueIn: 30 * 60 });
    expect(promiseGauges([], now)).toEqual({ promisesDueWithinDay: 0 });
  });

  it("gives SES's daily quota used in percent, and none for an unlimited quota", () => {
    expect(sendQuotaGauges({ maxSendRate: 14, max24HourSend: 50_000, sentLast24Hours: 41_234, sendingEnabled: true })).toEqual({
      maxSendRate: 14,
      sendQuotaUsed: 82.5,
    });
    expect(sendQuotaGauges({ maxSendRate: 14, max24HourSend: -1, sentLast24Hours: 41_234, sendingEnabled: true })).toEqual({ maxSendRate: 14 });
  });

  it('measures every running incident once (continuations share it) and reads promises a day ahead', async () => {
    // Prepare
    const asked: string[] = [];
    let promisesUntil: Date | undefined;
    const deps = {
      open: {
        running: async () => ['inc-1', 'inc-2'],
        approvals: async (id: string) => {
          asked.push(id);
          return id === 'inc-1' ? [{ status: 'PENDING' as const, createdAt: ago(20), expiresAt: ago(-220) }] : [];
        },
      },
      promises: {
        due: async (until: Date) => {
          promisesUntil = until;
          return [{ incidentId: 'inc-2', noticeId: 'n', promisedBy: ago(-120) }];
        },
      },
      clock: { now: () => now },
    };
    // Act
    const gauges = await measureOperations(deps);
    // Assess
    expect(asked.sort()).toEqual(['inc-1', 'inc-2']);
    expect(promisesUntil?.getTime()).toBe(now.getTime() + 86_400_000);
    expect(gauges).toEqual({
      incidentsOpen: 2,
      approvalsWaiting: 1,
      approvalsOverdue: 0,
      oldestApprovalAge: 20 * 60,
      promisesDueWithinDay: 1,
      nextPromiseDueIn: 120 * 60,
    });
  });

  it("counts the regulators' deadlines due within a day (in the clock's scale), those missed, and the time to the next", async () => {
    // Prepare: deadlines 30 h ahead, 5 h ahead, 3 h ahead on a clock running 10 times faster (its day is 2.4 h), 1 h behind
    const record = (obligationId: string, hoursLeft: number, clockScale = 1) =>
      ({
        incidentId: 'inc-1',
        obligationId,
        status: 'RUNNING',
        startedAt: ago(600),
        deadline: ago(-hoursLeft * 60),
        clockScale,
        reminders: [],
        remindersSent: {},
        escalations: 0,
      }) as unknown as ObligationRecord;
    const records = [record('far', 30), record('soon', 5), record('scaled', 3, 10), record('late', -1)];
    const deps = {
      obligations: {
        listRunningClocks: async () => records.map((r) => ({ incidentId: r.incidentId, obligationId: r.obligationId })),
        getObligation: async (_: string, id: string) => records.find((r) => r.obligationId === id),
        claimReminder: async () => false,
        releaseReminder: async () => undefined,
        // Claimed by another run: no page here, the gauges still count it.
        claimEscalation: async () => false,
        releaseEscalation: async () => undefined,
        dropClockMarker: async () => undefined,
      },
      incidents: { appendTimeline: async () => undefined },
      alertTeam: async () => undefined,
      clock: { now: () => now },
    };
    // Act
    const counts = await sweepRegulatorClocks(deps);
    // Assess
    expect(counts).toMatchObject({ clocks: 4, dueWithinDay: 1, missed: 1, nextDeadlineIn: 3 * 3600 });
  });
});
