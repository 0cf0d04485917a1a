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
    expect(committed, 'statemachines/incident-response.asl.json differs from infra/definition/: change the builder, then run `npm run build:definition`').toBe(built);
  });

  it('gives every Task the standard retry policy, after its own retriers', () => {
    const tasks = Object.entries(incidentResponse.States).filter((entry): entry is [string, TaskState] => entry[1].Type === 'Task');

    for (const [name, task] of tasks) expect(task.Retry.slice(-STANDARD_RETRY.length), name).toEqual(STANDARD_RETRY);
    expect(tasks.length).toBeGreaterThan(15);
  });
});
