import { describe, expect, it } from 'vitest';
import { readDefinition } from '../../infra/workflow-definition.js';
import { MAX_REMINDER_SECONDS } from '../../functions/steps/page-response-team.js';
import { supportedLocales } from '../../functions/domain/locales.js';

/**
 * Step Functions' hard limits, computed from the definition file: a Standard execution holds at most
 * 25,000 history events and every state's input or output at most 256 KiB. The case: one incident
 * with 1,000,000 customers, a first notice, a year of weekly updates, a closing notice and the report.
 */
type State = { Type: string; Resource?: string; Next?: string; Default?: string; Choices?: { Next: string }[]; Catch?: { Next: string }[]; ItemProcessor?: { ProcessorConfig?: { Mode?: string }; States: Record<string, State> } };
const definition = JSON.parse(readDefinition()) as { StartAt: string; States: Record<string, State> };

/** History events of one pass through a state, as Step Functions records them (no retries, no failures). */
function eventsOf(state: State): number {
  switch (state.Type) {
    case 'Task':
      // Entered, Scheduled, Started, (Submitted for a callback task), Succeeded, Exited.
      return state.Resource?.endsWith('.waitForTaskToken') ? 6 : 5;
    case 'Map':
      // A Distributed Map keeps its iterations in child executions: Entered, Started, MapRunStarted, MapRunSucceeded, Succeeded, Exited.
      expect(state.ItemProcessor?.ProcessorConfig?.Mode, 'the send Maps must be DISTRIBUTED, or every slice lands in this history').toBe('DISTRIBUTED');
      return 6;
    default:
      return 2; // Entered, Exited (Choice, Pass, Wait, Succeed)
  }
}

/** Follows `path` through the definition, failing on a transition the definition does not have. */
function walk(path: string[]): number {
  let events = 2; // ExecutionStarted, ExecutionSucceeded
  path.forEach((name, i) => {
    const state = definition.States[name];
    expect(state, name).toBeDefined();
    events += eventsOf(state!);
    const next = path[i + 1];
    if (next) {
      const targets = [state!.Next, state!.Default, ...(state!.Choices ?? []).map((c) => c.Next), ...(state!.Catch ?? []).map((c) => c.Next)];
      expect(targets, `${name} -> ${next}`).toContain(next);
    }
  });
  return events;
}

const CUSTOMERS = 1_000_000;
const CHUNK = 500; // audienceChunkSize default
const CHUNKS_PER_SLICE = 20; // MAX_CHUNKS_PER_INVOCATION
const WEEKLY_UPDATES = 52;
const sendCycle = (first: boolean) =>
  first
    ? ['Prepare to send notices', 'Send notices', 'Confirm notices sent', 'All notices sent?']
    : ['Prepare to send update', 'Send update', 'Confirm update sent', 'All updates sent?'];
const update = ['Plan next update', 'Wait until next update', 'Apply scope decision to update', 'Update regulator clocks', 'Draft update', 'Incident closed?', 'Wait for update approval', ...sendCycle(false), 'Publish incident page'];
const year = [
  'Assess impact', 'Page response team', 'Is the scope known?', 'Start regulator clocks', 'Draft first notice', 'First notice needed?', 'Wait for approval', ...sendCycle(true), 'Publish incident page',
  ...Array.from({ length: WEEKLY_UPDATES }, () => update).flat(),
  // Closed: the closing notice, then nothing left to draft.
  ...update,
  'Plan next update', 'Wait until next update', 'Apply scope decision to update', 'Update regulator clocks', 'Draft update', 'Incident closed?', 'Send final report', 'Incident closed and reported',
];

describe('Step Functions limits at 1,000,000 customers and a year of weekly updates', () => {
  it('the parent execution stays far under 25,000 history events', () => {
    const events = walk(year);
    console.log(`history events for ${CUSTOMERS.toLocaleString('en')} customers and ${WEEKLY_UPDATES} weekly updates: ${events}`);
    expect(events).toBeLessThan(25_000 / 4);
  });

  it('a scope nobody decides for 90 days, reminded as the page step doubles the interval (1 h to a day), then the same year: still far under 25,000', () => {
    // The reminder intervals the page step returns: teamReminderMinutes (default 60) doubled up to a day.
    const hours: number[] = [];
    for (let total = 0, next = 1; total < 90 * 24; total += next, next = Math.min(next * 2, MAX_REMINDER_SECONDS / 3600)) hours.push(next);
    const waiting = [
      'Assess impact', 'Page response team', 'Is the scope known?', 'Page response team: scope unknown',
      ...hours.flatMap(() => ['Wait for scope decision', 'Remind team: scope decision']),
      'Wait for scope decision', 'Scope decided or closed?', 'Apply scope decision', 'Is the scope known?',
    ];
    const events = walk([...waiting, ...year.slice(year.indexOf('Start regulator clocks'))]);
    console.log(`history events after ${hours.length} reminders over 90 days, then a year of updates: ${events}`);
    expect(events).toBeLessThan(25_000 / 4);
  });

  it('each slice (a child execution) stays far under 25,000 events too', () => {
    const map = definition.States['Send notices']!;
    const inner = map.ItemProcessor!.States;
    // One invocation normally finishes a slice; count 20 loops (a slice resumed after time ran out each chunk).
    const perLoop = Object.values(inner).reduce((n, s) => n + (s.Type === 'Task' ? 5 : 2), 0);
    expect(2 + CHUNKS_PER_SLICE * perLoop).toBeLessThan(25_000 / 10);
  });

  it("every state's payload stays under 256 KiB: ids, counts and slice bounds only", () => {
    // Chunks are cut per written locale: at most one short chunk per locale beyond the full ones.
    const chunks = Math.ceil(CUSTOMERS / CHUNK) + supportedLocales.length - 1;
    const slices = Array.from({ length: Math.ceil(chunks / CHUNKS_PER_SLICE) }, (_, i) => ({ from: i * CHUNKS_PER_SLICE, to: Math.min(chunks, (i + 1) * CHUNKS_PER_SLICE) }));
    // The largest state: the execution input, every result kept so far, the plan and the Map's results (all unfinished, with errors).
    const state = {
      incidentId: 'inc-20261120-0123456789ab',
      settings: { approvalTimeoutSeconds: 14_400, escalationTimeoutSeconds: 14_400, teamReminderSeconds: 3_600 },
      impact: { scope: 'KNOWN', affectedCustomers: CUSTOMERS, severity: 'CRITICAL', audienceChunks: chunks },
      notice: { noticeId: 'update-53', closed: false },
      approval: { decision: 'APPROVED', requestId: 'f'.repeat(24), noticeId: 'update-53', decidedAt: '2027-11-20T08:00:00.000Z' },
      schedule: { nextUpdateAt: '2027-11-20T08:00:00.000Z', waitSeconds: 604_800 },
      team: { closed: false, by: 'closed' },
      reminder: { nextReminderSeconds: 86_400 },
      plan: { slices, concurrency: 10, ratePerSecond: 1000, round: 12, waitSeconds: 3600, done: false },
      sent: slices.map((s) => ({ done: false, ...s, error: 'DeliveryRetryableError' })),
    };
    const bytes = Buffer.byteLength(JSON.stringify(state));
    console.log(`largest state payload at ${CUSTOMERS.toLocaleString('en')} customers: ${bytes} bytes (${slices.length} slices)`);
    expect(bytes).toBeLessThan(256 * 1024);
  });
});
