import { describe, expect, it } from 'vitest';
import { STANDARD_RETRY, type TaskState } from '../../infra/definition/asl.js';
import { incidentResponse, renderDefinition } from '../../infra/definition/incident-response.js';
import { readDefinition } from '../../infra/workflow-definition.js';

describe('the definition builder (infra/definition/)', () => {
  it('wrote the committed statemachines/incident-response.asl.json', () => {
    // Prepare
    const committed = readDefinition();

    // Act
    const built = renderDefinition();

    // Assess
    expect(committed, 'statemachines/incident-response.asl.json differs from infra/definition/: change the builder, then run `npm run build:definition`').toBe(
      built,
    );
  });

  it('gives every Task the standard retry policy, after its own retriers', () => {
    const tasks = Object.entries(incidentResponse.States).filter((entry): entry is [string, TaskState] => entry[1].Type === 'Task');

    for (const [name, task] of tasks) expect(task.Retry.slice(-STANDARD_RETRY.length), name).toEqual(STANDARD_RETRY);
    expect(tasks.length).toBeGreaterThan(15);
  });

  it("carries the execution input's settings (first notice) and the draft's fitted timeouts (updates) to the approval waits, whose TimeoutSecondsPath reads them from the state input", () => {
    // Prepare: every top-level state passes its whole input on (results and errors go beside it), so `settings` reaches every state.
    type AnyState = {
      Type: string;
      InputPath?: unknown;
      OutputPath?: unknown;
      ResultPath?: unknown;
      Parameters?: unknown;
      Result?: unknown;
      Catch?: { ResultPath?: unknown; Next: string }[];
      TimeoutSecondsPath?: string;
      ResultSelector?: Record<string, string>;
    };
    const states = (JSON.parse(readDefinition()) as { States: Record<string, AnyState> }).States;
    const keepsInput = (path: unknown) => path === null || (typeof path === 'string' && path.startsWith('$.') && !path.startsWith('$.settings'));

    // Assess
    for (const [name, s] of Object.entries(states)) {
      expect([s.InputPath, s.OutputPath], `${name}: InputPath/OutputPath would drop fields`).toEqual([undefined, undefined]);
      const producesResult = ['Task', 'Map', 'Parallel'].includes(s.Type) || (s.Type === 'Pass' && (s.Parameters !== undefined || s.Result !== undefined));
      if (producesResult) expect(keepsInput(s.ResultPath), `${name}: ResultPath ${JSON.stringify(s.ResultPath)}`).toBe(true);
      for (const c of s.Catch ?? []) expect(keepsInput(c.ResultPath), `${name}: Catch to ${c.Next}`).toBe(true);
    }
    const waits = ['Wait for approval', 'Escalate to backup approvers', 'Wait for update approval', 'Escalate update to backup approvers'];
    expect(waits.map((w) => states[w]?.TimeoutSecondsPath)).toEqual([
      '$.settings.approvalTimeoutSeconds',
      '$.settings.escalationTimeoutSeconds',
      '$.notice.approvalSeconds',
      '$.notice.escalationSeconds',
    ]);
    // The update's draft (and each redraft on the way back to its approval) puts them there.
    expect(states['Draft update']).toMatchObject({
      ResultPath: '$.notice',
      ResultSelector: { 'approvalSeconds.$': '$.Payload.approvalSeconds', 'escalationSeconds.$': '$.Payload.escalationSeconds' },
    });
  });
});
