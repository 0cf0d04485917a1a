import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '@aws-lambda-powertools/parser/types';
import { executionArnFor, executionNameFor, parseExecutionName, type Continuation, type ExecutionChainPort } from '../../../functions/domain/executions.js';
import { continueExecution, ExecutionNameError, type ContinueInput } from '../../../functions/steps/start-next-execution.js';
import { intakeAlarm } from '../../../functions/steps/intake.js';
import { guardDutyFinding } from '../../../local/tools/sample-alarms.js';
import { FakeClock, FakeIncidents, FakeMessaging, FakeWorkflow } from '../../support/fakes.js';

const incidentId = 'inc-20261120-0123456789ab';
const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:breach-notice-incident-response';
const settings = { approvalTimeoutSeconds: 3600, escalationTimeoutSeconds: 1800, teamReminderSeconds: 3600, updateCyclesPerExecution: 24 };

/** The chain as the DynamoDB adapter keeps it: forward only, each hand-over once. */
class FakeChain implements ExecutionChainPort {
  records: Continuation[] = [];
  async recordContinuation(_incidentId: string, c: Continuation) {
    if (this.records.some((r) => r.to.sequence >= c.to.sequence)) return false;
    this.records.push(c);
    return true;
  }
  async currentExecution() {
    return this.records.at(-1)?.to;
  }
}

function world() {
  const workflow = new FakeWorkflow(machine);
  const executions = new FakeChain();
  return { workflow, executions, deps: { executions, workflowOf: (arn: string) => (expect(arn).toBe(machine), workflow) } };
}

const from = (name: string): ContinueInput => ({ incidentId, executionArn: executionArnFor(machine, name), stateMachineArn: machine, settings });

describe('execution names', () => {
  it("are the incident id, then <incidentId>--<n>, within StartExecution's 80 characters and allowed characters", () => {
    expect(executionNameFor(incidentId, 1)).toBe(incidentId);
    expect(executionNameFor(incidentId, 2)).toBe(`${incidentId}--2`);
    const longest = executionNameFor(incidentId, 999_999_999);
    expect(longest.length).toBeLessThanOrEqual(80);
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are among those a name may not contain.
    expect(longest).not.toMatch(/[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/);
    for (const sequence of [1, 2, 37, 999_999_999]) expect(parseExecutionName(executionNameFor(incidentId, sequence))).toEqual({ incidentId, sequence });
    expect(parseExecutionName('a1b2c3')).toBeUndefined();
    expect(parseExecutionName(`${incidentId}--0`)).toBeUndefined();
    expect(() => executionNameFor(incidentId, 0)).toThrow(RangeError);
  });
});

describe('continueExecution', () => {
  it('starts <incidentId>--2 from the first execution with ids and settings only, and records the hand-over', async () => {
    // Prepare
    const { workflow, executions, deps } = world();
    // Act
    const to = await continueExecution(from(incidentId), deps);
    // Assess
    expect(to).toEqual({ name: `${incidentId}--2`, executionArn: executionArnFor(machine, `${incidentId}--2`), sequence: 2 });
    expect(workflow.executions.get(`${incidentId}--2`)).toEqual({
      incidentId,
      settings,
      continuation: { from: executionArnFor(machine, incidentId), sequence: 2 },
    });
    expect(executions.records).toEqual([{ from: { name: incidentId, executionArn: executionArnFor(machine, incidentId), sequence: 1 }, to }]);
  });

  it('goes on from any continuation to the next: --2 to --3', async () => {
    const { workflow, deps } = world();
    const to = await continueExecution(from(`${incidentId}--2`), deps);
    expect(to.name).toBe(`${incidentId}--3`);
    expect([...workflow.executions.keys()]).toEqual([`${incidentId}--3`]);
  });

  it('retried after the start went through: no second execution, the same one recorded once', async () => {
    // Prepare: the first attempt started the next execution and recorded it; its answer was lost.
    const { workflow, executions, deps } = world();
    const first = await continueExecution(from(incidentId), deps);
    // Act
    const retried = await continueExecution(from(incidentId), deps);
    // Assess
    expect(retried).toEqual(first);
    expect([...workflow.executions.keys()]).toEqual([`${incidentId}--2`]);
    expect(executions.records).toHaveLength(1);
  });

  it("refuses an execution that is not one of the incident's, starting nothing", async () => {
    const { workflow, deps } = world();
    await expect(continueExecution({ ...from('inc-20261120-ffffffffffff--4'), incidentId }, deps)).rejects.toBeInstanceOf(ExecutionNameError);
    await expect(continueExecution(from('manual-run'), deps)).rejects.toBeInstanceOf(ExecutionNameError);
    expect(workflow.executions.size).toBe(0);
  });
});

describe('intake, once the incident has gone on in a later execution', () => {
  it('a repeat of the finding starts nothing (the first execution has ended; its name could start again after 90 days)', async () => {
    // Prepare: an incident opened by a finding, whose workflow continued in --2.
    const clock = new FakeClock(Date.parse('2026-11-20T08:20:00Z'));
    const incidents = new FakeIncidents(clock);
    const workflow = new FakeWorkflow(machine);
    const deps = {
      incidents,
      workflow,
      messaging: new FakeMessaging(),
      clock,
      alarmSettings: { manualSource: 'breach-notice.manual', cloudWatchAlarmSeverity: 7 },
      workflowSettings: settings,
      responseTeamTopicArn: 'arn:aws:sns:us-east-1:000000000000:response-team',
    };
    const finding = guardDutyFinding({ id: 'finding-cont', severity: 8 });
    const [opened] = await intakeAlarm(finding as EventBridgeEvent, JSON.stringify(finding), deps);
    const id = opened!.incidentId;
    incidents.incidents.get(id)!.currentExecution = { name: `${id}--2`, executionArn: executionArnFor(machine, `${id}--2`), sequence: 2 };
    workflow.executions.clear();
    // Act: the same finding again, later.
    const repeat = guardDutyFinding({ id: 'finding-cont', severity: 8 });
    const [again] = await intakeAlarm(repeat as EventBridgeEvent, JSON.stringify(repeat), deps);
    // Assess
    expect(again).toEqual({ incidentId: id, outcome: 'repeated' });
    expect(workflow.executions.size).toBe(0);
  });
});
