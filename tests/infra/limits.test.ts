import { describe, expect, it } from 'vitest';
import { readDefinition } from '../../infra/workflow-definition.js';
import { appConfigSchema } from '../../infra/config.js';
import { MAX_CADENCE_DAYS_PER_EXECUTION, updateCyclesPerExecution } from '../../infra/definition/continuation.js';
import { MAX_REMINDER_SECONDS } from '../../functions/steps/page-response-team.js';
import { supportedLocales } from '../../functions/domain/locales.js';
import { MAX_SEGMENTS } from '../../functions/domain/assessment.js';
import { REFUSAL_MESSAGE_MAX } from '../../functions/domain/provider-failure.js';
import { LATE_EVIDENCE_LOOKS } from '../../functions/steps/settle-by-evidence.js';

/**
 * Step Functions' hard limits, computed from the definition file: a Standard execution holds at most
 * 25,000 history events, runs at most a year, and every state's input or output is at most 256 KiB
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). The cases: an incident
 * with 1,000,000 customers and a year of weekly updates; a year at the smallest cadence the settings
 * accept, every cycle as heavy as a cycle gets; every cadence in between. A long incident goes on in new
 * executions ("Continue in a new execution?"); each execution is held to HISTORY_EVENTS_BOUND.
 */
type Rule = { Variable: string; Next: string; IsPresent?: boolean; NumericGreaterThanEqualsPath?: string };
type State = {
  Type: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  Choices?: Rule[];
  Catch?: { Next: string }[];
  Parameters?: Record<string, unknown>;
  ResultPath?: string;
  Result?: unknown;
  ItemProcessor?: { ProcessorConfig?: { Mode?: string }; States: Record<string, State> };
};
const definition = JSON.parse(readDefinition()) as { StartAt: string; States: Record<string, State> };

/** History events of one pass through a state, as Step Functions records them (no retries, no failures). */
function eventsOf(state: State): number {
  switch (state.Type) {
    case 'Task':
      // Entered, Scheduled, Started, (Submitted for a callback task), Succeeded, Exited.
      return state.Resource?.endsWith('.waitForTaskToken') ? 6 : 5;
    case 'Map':
      // A Distributed Map keeps its iterations in child executions: Entered, Started, MapRunStarted, MapRunSucceeded, Succeeded, Exited.
      if (state.ItemProcessor?.ProcessorConfig?.Mode !== 'DISTRIBUTED') expect.fail('every Map must be DISTRIBUTED, or every item lands in this history');
      return 6;
    default:
      return 2; // Entered, Exited (Choice, Pass, Wait, Succeed)
  }
}

/** Follows `path` from the definition's StartAt, failing on a state or transition the definition does not have. */
function walk(path: string[]): number {
  expect(path[0], 'an execution starts at StartAt').toBe(definition.StartAt);
  let events = 2; // ExecutionStarted, ExecutionSucceeded
  path.forEach((name, i) => {
    const state = definition.States[name];
    if (!state) expect.fail(`no state ${name}`);
    events += eventsOf(state);
    const next = path[i + 1];
    // Checked without expect on the way: a year at an hourly cadence is millions of transitions.
    if (next && ![state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].includes(next)) {
      expect.fail(`no transition ${name} -> ${next}`);
    }
  });
  return events;
}

/** A reference path ($.a.b) read from `data`. */
function read(data: unknown, path: string): unknown {
  return path
    .slice(2)
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], data);
}

/** Where a Choice goes for `data`, evaluated as Step Functions does for the two rules this definition uses. */
function choose(name: string, data: unknown): string {
  const state = definition.States[name]!;
  expect(state.Type, name).toBe('Choice');
  for (const rule of state.Choices!) {
    const value = read(data, rule.Variable);
    if (rule.IsPresent !== undefined && (value !== undefined) === rule.IsPresent) return rule.Next;
    if (rule.NumericGreaterThanEqualsPath !== undefined) {
      const bound = read(data, rule.NumericGreaterThanEqualsPath);
      expect([typeof value, typeof bound], `${name}: ${rule.Variable} and ${rule.NumericGreaterThanEqualsPath} are numbers in the state`).toEqual([
        'number',
        'number',
      ]);
      if ((value as number) >= (bound as number)) return rule.Next;
    }
  }
  return state.Default!;
}

/** The cycle counter after "Count update cycles", as its Pass computes it. */
function counted(data: { cycles: { count: number } }): { count: number } {
  const count = definition.States['Count update cycles'];
  expect(count?.Parameters, 'Count update cycles adds one to $.cycles.count').toEqual({ 'count.$': 'States.MathAdd($.cycles.count, 1)' });
  expect(count?.ResultPath).toBe('$.cycles');
  return { count: data.cycles.count + 1 };
}

const START = ['Start counting update cycles', 'Continued from an earlier execution?'];
const CONTINUE = ['Count update cycles', 'Continue in a new execution?'];

/**
 * One incident's executions, each as the path it takes: `opening` (from the alarm to the first
 * "Publish incident page"), then `cycles` update cycles (from "Plan next update" to "Publish incident
 * page"), then the close. After each notice cycle the definition's own counter and Choice decide, with
 * the settings intake gives (updateCyclesPerExecution for `cadenceHours`), whether the incident goes on
 * in a new execution, which the definition must route back to "Plan next update".
 */
function executionsOf(o: { cadenceHours: number; opening: string[]; cycle: string[]; cycles: number; limit?: number }): string[][] {
  const settings = { updateCyclesPerExecution: o.limit ?? updateCyclesPerExecution(o.cadenceHours) };
  const counter = definition.States[START[0]!]!;
  expect([counter.Result, counter.ResultPath], 'each execution starts its cycle count at 0').toEqual([{ count: 0 }, '$.cycles']);
  const executions: string[][] = [];
  let path = [...START];
  let data: { settings: typeof settings; cycles: { count: number }; continuation?: unknown } = { settings, cycles: { count: 0 } };
  expect(choose(START[1]!, data)).toBe(o.opening[0]);
  const endCycle = () => {
    path.push(...CONTINUE);
    data = { ...data, cycles: counted(data) };
    const next = choose(CONTINUE[1]!, data);
    if (next === 'Plan next update') return;
    path.push(next, definition.States[next]!.Next!);
    executions.push(path);
    // The new execution's input: the incident, its settings and where it came from.
    data = { settings, cycles: { count: 0 }, continuation: { sequence: executions.length + 1 } };
    path = [...START];
    expect(choose(START[1]!, data), 'a continued execution resumes at Plan next update').toBe('Plan next update');
  };
  path.push(...o.opening);
  endCycle();
  for (let i = 0; i < o.cycles; i += 1) {
    path.push(...o.cycle);
    endCycle();
  }
  path.push(...CLOSE);
  executions.push(path);
  return executions;
}

const CUSTOMERS = 1_000_000;
const CHUNK = 500; // audienceChunkSize default
const CHUNKS_PER_SLICE = 20; // MAX_CHUNKS_PER_INVOCATION
const YEAR_HOURS = 365 * 24;
const WEEKLY = 168;
const cadences = appConfigSchema.shape.updateCadenceHours.unwrap();
const SMALLEST_CADENCE = cadences.minValue!;
const LARGEST_CADENCE = cadences.maxValue!;

/** An assessment at `name` (infra/definition/incident-response.ts): it stands, or the directory is scanned again after a scope decision. */
const stands = (name: string) => [name, `${name}: directory to scan?`];
const assessed = (name: string) => [...stands(name), `${name}: scan directory`, `${name}: write audience chunks`, `${name}: save assessment`];

const sendCycle = (first: boolean) =>
  first
    ? ['Prepare to send notices', 'Send notices', 'Confirm notices sent', 'All notices sent?']
    : ['Prepare to send update', 'Send update', 'Confirm update sent', 'All updates sent?'];
const opening = [
  ...assessed('Assess impact'),
  'Page response team',
  'Is the scope known?',
  'Start regulator clocks',
  'Draft first notice',
  'First notice needed?',
  'Wait for approval',
  ...sendCycle(true),
  'Publish incident page',
];
const update = [
  'Plan next update',
  'Wait until next update',
  ...stands('Apply scope decision to update'),
  'Update regulator clocks',
  'Draft update',
  'Incident closed?',
  'Wait for update approval',
  ...sendCycle(false),
  'Publish incident page',
];
// Closed: the closing notice went out as the last cycle, then nothing is left to draft.
const CLOSE = [
  'Plan next update',
  'Wait until next update',
  ...stands('Apply scope decision to update'),
  'Update regulator clocks',
  'Draft update',
  'Incident closed?',
  'Send final report',
  'Incident closed and reported',
];

/** A scope nobody decides for 90 days, reminded as the page step doubles the interval (teamReminderMinutes 60, up to a day). */
const reminderHours: number[] = [];
for (let total = 0, next = 1; total < 90 * 24; total += next, next = Math.min(next * 2, MAX_REMINDER_SECONDS / 3600)) reminderHours.push(next);
const scopeWait = [
  ...assessed('Assess impact'),
  'Page response team',
  'Is the scope known?',
  'Page response team: scope unknown',
  ...reminderHours.flatMap(() => ['Wait for scope decision', 'Remind team: scope decision']),
  'Wait for scope decision',
  'Scope decided or closed?',
  ...assessed('Apply scope decision'),
  'Is the scope known?',
];

/** Reminders before the team redrafts a rejected notice, and rounds of sending resumed (quota, throttling), in every heavy cycle. */
const REMINDERS = 3;
const RESUMES = 3;
const resumed = (first: boolean) => {
  const [, send, confirm, allSent] = sendCycle(first);
  return Array.from({ length: RESUMES }, () => [first ? 'Wait to resume sending notices' : 'Wait to resume sending update', send!, confirm!, allSent!]).flat();
};
/** Lost answers settled by evidence that is behind (steps/settle-by-evidence.ts): one wait per look that finds it behind, at most LATE_EVIDENCE_LOOKS. */
const lateEvidence = (first: boolean) => {
  const [, send, confirm, allSent] = sendCycle(first);
  return Array.from({ length: LATE_EVIDENCE_LOOKS }, () => [
    first ? 'Wait for delivery evidence' : 'Wait for update delivery evidence',
    send!,
    confirm!,
    allSent!,
  ]).flat();
};
/**
 * Fallback after the notice's sends (steps/fallback.ts): one wait for the rest of the evidence window,
 * then one round of fallback sends.
 */
const fallbackRound = (first: boolean) => {
  const [, send, confirm, allSent] = sendCycle(first);
  return [
    ...[first ? 'Wait for delivery evidence' : 'Wait for update delivery evidence', send!, confirm!, allSent!],
    ...[first ? 'Wait to resume sending notices' : 'Wait to resume sending update', send!, confirm!, allSent!],
  ];
};
/** A notice cycle as heavy as one gets: no decision in time, a rejection by the backup approvers, reminders, a redraft, sending resumed. */
const heavyOpening = [
  ...scopeWait,
  'Start regulator clocks',
  'Draft first notice',
  'First notice needed?',
  'Wait for approval',
  'Escalate to backup approvers',
  'Page response team: notice rejected',
  ...Array.from({ length: REMINDERS }, () => ['Wait for redraft', 'Remind team: redraft']).flat(),
  'Wait for redraft',
  'Redraft or close?',
  ...assessed('Apply scope decision'),
  'Is the scope known?',
  'Start regulator clocks',
  'Draft first notice',
  'First notice needed?',
  'Wait for approval',
  ...sendCycle(true),
  ...resumed(true),
  ...lateEvidence(true),
  ...fallbackRound(true),
  'Publish incident page',
];
const heavyUpdate = [
  'Plan next update',
  'Wait until next update',
  ...stands('Apply scope decision to update'),
  'Update regulator clocks',
  'Draft update',
  'Incident closed?',
  'Wait for update approval',
  'Escalate update to backup approvers',
  'Page response team: update rejected',
  ...Array.from({ length: REMINDERS }, () => ['Wait for update redraft', 'Remind team: update redraft']).flat(),
  'Wait for update redraft',
  ...assessed('Apply scope decision to update'),
  'Update regulator clocks',
  'Draft update',
  'Incident closed?',
  'Wait for update approval',
  ...sendCycle(false),
  ...resumed(false),
  ...lateEvidence(false),
  ...fallbackRound(false),
  'Publish incident page',
];

/** What every execution is held to, whatever the cadence: a quarter of the hard limit. */
const HISTORY_EVENTS_BOUND = 25_000 / 4;

const eventsPerExecution = (executions: string[][]) => executions.map(walk);
/** What one more cycle adds to an execution's history. */
const cycleEvents = (cycle: string[]) =>
  walk([...START, ...opening, ...CONTINUE, ...cycle, ...CONTINUE, ...CLOSE]) - walk([...START, ...opening, ...CONTINUE, ...CLOSE]);

describe('Step Functions limits: every execution of an incident stays far under 25,000 history events and a year', () => {
  it('1,000,000 customers and a year of weekly updates', () => {
    const events = eventsPerExecution(executionsOf({ cadenceHours: WEEKLY, opening, cycle: update, cycles: Math.floor(YEAR_HOURS / WEEKLY) + 1 }));
    console.log(`history events per execution for ${CUSTOMERS.toLocaleString('en')} customers and a year of weekly updates: ${events.join(', ')}`);
    for (const e of events) expect(e).toBeLessThan(HISTORY_EVENTS_BOUND);
  });

  it('a scope nobody decides for 90 days, then the same year', () => {
    const events = eventsPerExecution(
      executionsOf({
        cadenceHours: WEEKLY,
        opening: [...scopeWait, ...opening.slice(opening.indexOf('Start regulator clocks'))],
        cycle: update,
        cycles: Math.floor(YEAR_HOURS / WEEKLY) + 1,
      }),
    );
    console.log(`history events per execution after ${reminderHours.length} reminders over 90 days, then a year of weekly updates: ${events.join(', ')}`);
    for (const e of events) expect(e).toBeLessThan(HISTORY_EVENTS_BOUND);
  });

  it(`a year at the smallest cadence the settings accept (${SMALLEST_CADENCE} h), every cycle heavy: each execution under ${HISTORY_EVENTS_BOUND.toLocaleString('en')}`, () => {
    // Prepare: 90 days of scope reminders before the first notice, then an update every hour for a year.
    const cycles = YEAR_HOURS / SMALLEST_CADENCE;

    // Act
    const executions = executionsOf({ cadenceHours: SMALLEST_CADENCE, opening: heavyOpening, cycle: heavyUpdate, cycles });
    const events = eventsPerExecution(executions);

    // Assess
    const largest = Math.max(...events);
    console.log(
      `a year at ${SMALLEST_CADENCE} h, heavy cycles (${cycleEvents(heavyUpdate)} events each): ` +
        `${executions.length} executions of ${updateCyclesPerExecution(SMALLEST_CADENCE)} cycles, the first (with the opening) ${events[0]} events, each other at most ${Math.max(...events.slice(1))}`,
    );
    expect(largest).toBeLessThan(HISTORY_EVENTS_BOUND);
    expect(executions.length).toBeGreaterThan(cycles / updateCyclesPerExecution(SMALLEST_CADENCE) - 1);
  });

  it(`without the hand-over, one execution at ${SMALLEST_CADENCE} h would pass 25,000 events within weeks`, () => {
    const [events] = eventsPerExecution(executionsOf({ cadenceHours: SMALLEST_CADENCE, opening, cycle: update, cycles: 0 }));
    const perCycle = cycleEvents(update);
    const days = ((25_000 - events!) / perCycle) * (SMALLEST_CADENCE / 24);
    console.log(`one execution at ${SMALLEST_CADENCE} h: ${perCycle} events a cycle, 25,000 in ${days.toFixed(1)} days`);
    expect(days).toBeLessThan(30);
  });

  it(`every cadence the settings accept (${SMALLEST_CADENCE} to ${LARGEST_CADENCE} h): at most ${MAX_CADENCE_DAYS_PER_EXECUTION} days of cycles and ${HISTORY_EVENTS_BOUND.toLocaleString('en')} events per execution`, () => {
    const largestByCycles = new Map<number, number>();
    for (let hours = SMALLEST_CADENCE; hours <= LARGEST_CADENCE; hours += 1) {
      const perExecution = updateCyclesPerExecution(hours);
      expect(perExecution * hours, `${hours} h`).toBeLessThanOrEqual(MAX_CADENCE_DAYS_PER_EXECUTION * 24);
      if (!largestByCycles.has(perExecution)) {
        // Two full executions and the start of a third: the first (with the opening) and one continued.
        const events = eventsPerExecution(executionsOf({ cadenceHours: hours, opening: heavyOpening, cycle: heavyUpdate, cycles: 2 * perExecution }));
        largestByCycles.set(perExecution, Math.max(...events));
      }
    }
    for (const [perExecution, largest] of largestByCycles) expect(largest, `${perExecution} cycles per execution`).toBeLessThan(HISTORY_EVENTS_BOUND);
  });

  it('each slice (a child execution) stays far under 25,000 events too', () => {
    const map = definition.States['Send notices']!;
    const inner = map.ItemProcessor!.States;
    // One invocation normally finishes a slice; count 20 loops (a slice resumed after time ran out each chunk).
    const perLoop = Object.values(inner).reduce((n, s) => n + (s.Type === 'Task' ? 5 : 2), 0);
    expect(2 + CHUNKS_PER_SLICE * perLoop).toBeLessThan(25_000 / 10);
  });

  it("an assessment Map collects only each segment's counts, never its input (which carries every segment's): linear in segments, not quadratic", () => {
    const maps = Object.entries(definition.States).filter(([name, s]) => s.Type === 'Map' && name.includes(': '));
    expect(maps.length).toBe(6);
    for (const [name, map] of maps) {
      const tasks = Object.values(map.ItemProcessor!.States).filter((s) => s.Type === 'Task') as (State & { ResultSelector?: Record<string, string> })[];
      expect(tasks, name).toHaveLength(1);
      expect(Object.keys(tasks[0]!.ResultSelector ?? {}).sort(), name).toEqual(
        name.endsWith('scan directory') ? ['chunkSize.$', 'counts.$', 'segment.$'] : ['chunks.$', 'segment.$'],
      );
    }
  });

  it("every state's payload stays under 256 KiB: ids, counts and slice bounds only", () => {
    // Chunks are cut per written locale: at most one short chunk per locale beyond the full ones.
    const chunks = Math.ceil(CUSTOMERS / CHUNK) + supportedLocales.length - 1;
    const slices = Array.from({ length: Math.ceil(chunks / CHUNKS_PER_SLICE) }, (_, i) => ({
      from: i * CHUNKS_PER_SLICE,
      to: Math.min(chunks, (i + 1) * CHUNKS_PER_SLICE),
    }));
    // A slice a provider refused carries Step Functions' Cause: Lambda's JSON of the error, its trace included
    // (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html), around the longest reason the send step writes.
    const refusal = `SES refused: MailFromDomainNotVerifiedException: ${'x'.repeat(REFUSAL_MESSAGE_MAX)}`;
    const cause = JSON.stringify({
      errorType: 'ProviderRefusedError',
      errorMessage: refusal,
      trace: [
        `ProviderRefusedError: ${refusal}`,
        ...Array.from({ length: 10 }, (_, i) => `    at async sendChunk${i} (file:///var/task/index.mjs:1:${100_000 + i})`),
      ],
    });
    // The largest state: the execution input, every result kept so far, the plan and the Map's results (all refused, with the cause).
    const state = {
      incidentId: 'inc-20261120-0123456789ab',
      settings: { approvalTimeoutSeconds: 14_400, escalationTimeoutSeconds: 14_400, teamReminderSeconds: 3_600, updateCyclesPerExecution: 24 },
      continuation: {
        from: 'arn:aws:states:ap-southeast-1:123456789012:execution:BreachNotice-WorkflowStateMachine0123456789-AbCdEfGhIjKl:inc-20261120-0123456789ab--364',
        sequence: 365,
      },
      cycles: { count: 23 },
      impact: { scope: 'KNOWN', affectedCustomers: CUSTOMERS, severity: 'CRITICAL', audienceChunks: chunks },
      // The last assessment's segments (infra/definition/incident-response.ts), as many as there can be, each with every locale's count.
      assessed: Array.from({ length: MAX_SEGMENTS }, (_, segment) => ({
        segment,
        counts: Object.fromEntries(supportedLocales.map((l) => [l, Math.ceil(CUSTOMERS / MAX_SEGMENTS)])),
      })),
      notice: { noticeId: 'update-53', closed: false },
      approval: { decision: 'APPROVED', requestId: 'f'.repeat(24), noticeId: 'update-53', decidedAt: '2027-11-20T08:00:00.000Z' },
      schedule: { nextUpdateAt: '2027-11-20T08:00:00.000Z', waitSeconds: 604_800 },
      team: { closed: false, by: 'closed' },
      reminder: { nextReminderSeconds: 86_400 },
      continuedIn: {
        executionArn:
          'arn:aws:states:ap-southeast-1:123456789012:execution:BreachNotice-WorkflowStateMachine0123456789-AbCdEfGhIjKl:inc-20261120-0123456789ab--366',
        name: 'inc-20261120-0123456789ab--366',
      },
      plan: { slices, concurrency: 10, ratePerSecond: 1000, round: 12, waitSeconds: 3600, done: false },
      sent: slices.map((s) => ({ done: false, ...s, error: 'ProviderRefusedError', cause })),
    };
    const bytes = Buffer.byteLength(JSON.stringify(state));
    console.log(`largest state payload at ${CUSTOMERS.toLocaleString('en')} customers: ${bytes} bytes (${slices.length} slices)`);
    expect(bytes).toBeLessThan(256 * 1024);
  });
});
