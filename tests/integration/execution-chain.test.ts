import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionChain } from '../../functions/adapters/execution-chain.js';
import { IncidentStore } from '../../functions/adapters/incident-store.js';
import { executionArnFor, executionNameFor } from '../../functions/domain/executions.js';
import { IncidentNotFoundError } from '../../functions/shared/errors.js';
import { systemClock } from '../../functions/shared/clock.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { endpoints, putIncidentItem, testConfig, uniquePrefix } from '../support/local.js';

const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:breach-notice-incident-response';

describe('ExecutionChain on DynamoDB Local', () => {
  const prefix = uniquePrefix('chain');
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let table: string;

  beforeAll(async () => {
    ({
      tables: { incidents: table },
    } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix }));
    client = new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb });
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  });
  afterAll(() => client?.destroy());

  const ref = (id: string, sequence: number) => ({
    name: executionNameFor(id, sequence),
    executionArn: executionArnFor(machine, executionNameFor(id, sequence)),
    sequence,
  });

  it('makes the next execution current and notes the hand-over once, whatever is retried or comes late', async () => {
    // Prepare
    const id = `inc-20261120-${prefix.slice(1, 9).padEnd(12, '0')}`;
    await putIncidentItem(doc, table, id);
    const chain = new ExecutionChain(doc, table, systemClock);
    const incidents = new IncidentStore(doc, table, systemClock);
    expect(await chain.currentExecution(id)).toBeUndefined();

    // Act
    const first = await chain.recordContinuation(id, { from: ref(id, 1), to: ref(id, 2) });
    const retried = await chain.recordContinuation(id, { from: ref(id, 1), to: ref(id, 2) });
    const next = await chain.recordContinuation(id, { from: ref(id, 2), to: ref(id, 3) });
    const late = await chain.recordContinuation(id, { from: ref(id, 1), to: ref(id, 2) });

    // Assess
    expect([first, retried, next, late]).toEqual([true, false, true, false]);
    expect(await chain.currentExecution(id)).toEqual(ref(id, 3));
    expect((await incidents.getIncident(id)).currentExecution).toEqual(ref(id, 3));
    const entries = (await incidents.listTimeline(id)).filter((t) => t.action === 'execution-continued').map((t) => t.detail);
    expect(entries).toEqual([
      { from: id, fromExecutionArn: ref(id, 1).executionArn, to: `${id}--2`, toExecutionArn: ref(id, 2).executionArn, sequence: 2 },
      { from: `${id}--2`, fromExecutionArn: ref(id, 2).executionArn, to: `${id}--3`, toExecutionArn: ref(id, 3).executionArn, sequence: 3 },
    ]);
  });

  it('refuses an incident that does not exist', async () => {
    const chain = new ExecutionChain(doc, table, systemClock);
    const id = 'inc-20261120-00000000dead';
    await expect(chain.recordContinuation(id, { from: ref(id, 1), to: ref(id, 2) })).rejects.toBeInstanceOf(IncidentNotFoundError);
  });
});
