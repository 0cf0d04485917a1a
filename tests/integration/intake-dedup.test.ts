import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '@aws-lambda-powertools/parser/types';
import { IncidentStore } from '../../functions/adapters/incident-store.js';
import { systemClock } from '../../functions/shared/clock.js';
import { intakeAlarm, type IntakeDeps, type IntakeResult } from '../../functions/steps/intake.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { FakeMessaging, FakeWorkflow } from '../support/fakes.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';

const topicArn = 'arn:aws:sns:us-east-1:000000000000:response-team';
const settings = { approvalTimeoutSeconds: 3600, escalationTimeoutSeconds: 1800, teamReminderSeconds: 3600, updateCyclesPerExecution: 24 };
const raw = (e: unknown) => JSON.stringify(e);

describe('intakeAlarm on DynamoDB Local: one incident per finding, whichever service reports it', () => {
  const prefix = uniquePrefix('intake');
  let client: DynamoDBClient;
  let store: IncidentStore;

  beforeAll(async () => {
    const { tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
    client = new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb });
    store = new IncidentStore(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tables.incidents, systemClock);
  });
  afterAll(() => client?.destroy());

  function dynamoWorld() {
    const workflow = new FakeWorkflow();
    const deps: IntakeDeps = {
      incidents: store,
      workflow,
      messaging: new FakeMessaging(),
      clock: systemClock,
      alarmSettings: { manualSource: 'breach-notice.manual', cloudWatchAlarmSeverity: 7 },
      workflowSettings: settings,
      responseTeamTopicArn: topicArn,
    };
    return { deps, workflow };
  }

  const fixtureText = (name: string) => readFileSync(new URL(`../fixtures/aws-events/${name}`, import.meta.url), 'utf8');
  const reportsOf = {
    guardduty: {
      findingId: '46ba0ac2845071e23ccdeb2ae03bfdea',
      files: ['same-finding/guardduty-ssh-brute-force.json', 'same-finding/securityhub-guardduty-ssh-brute-force.json'],
    },
    macie: {
      findingId: '64b917aa-3843-014c-91d8-937ffexample',
      files: ['macie-policy-encryption-disabled.json', 'same-finding/securityhub-macie-policy-encryption-disabled.json'],
    },
  } as const;
  /** The native event and Security Hub's copy of one finding, under a finding id and event ids of this test's own. */
  function reports(kind: keyof typeof reportsOf): [EventBridgeEvent, EventBridgeEvent] {
    const { findingId, files } = reportsOf[kind];
    const fresh = kind === 'guardduty' ? randomBytes(16).toString('hex') : randomUUID();
    const [native, copy] = files.map((f) => ({ ...JSON.parse(fixtureText(f).replaceAll(findingId, fresh)), id: randomUUID() }) as EventBridgeEvent);
    return [native!, copy!];
  }

  async function expectOneIncident(events: EventBridgeEvent[], results: IntakeResult[][], workflow: FakeWorkflow) {
    expect(results.map((r) => r.length)).toEqual([1, 1]);
    const [a, b] = results.map((r) => r[0]!);
    expect([a!.outcome, b!.outcome].sort()).toEqual(['opened', 'repeated']);
    expect(b!.incidentId).toBe(a!.incidentId);
    const incidentId = a!.incidentId;
    expect([...workflow.executions.keys()]).toEqual([incidentId]);
    // Both raw events are kept on the one incident; the repeat is noted under its own event id.
    expect(await store.countRawEvents(incidentId)).toBe(2);
    const repeat = events[a!.outcome === 'repeated' ? 0 : 1]!;
    const notes = (await store.listTimeline(incidentId)).filter((e) => e.action === 'finding-repeated');
    expect(notes.map((e) => e.detail)).toEqual([{ eventId: repeat.id }]);
  }

  it.each([
    ['GuardDuty', 'native first', 'guardduty', false],
    ['GuardDuty', "Security Hub's copy first", 'guardduty', true],
    ['Macie', 'native first', 'macie', false],
    ['Macie', "Security Hub's copy first", 'macie', true],
  ] as const)('%s, %s: one incident, the second report recorded as a repeat', async (_service, _order, kind, copyFirst) => {
    // Prepare
    const { deps, workflow } = dynamoWorld();
    const [native, copy] = reports(kind);
    const events = copyFirst ? [copy, native] : [native, copy];
    // Act
    const results: IntakeResult[][] = [];
    for (const event of events) results.push(await intakeAlarm(event, raw(event), deps));
    // Assess
    expect(results.map((r) => r[0]!.outcome)).toEqual(['opened', 'repeated']);
    await expectOneIncident(events, results, workflow);
  });

  it.each(['guardduty', 'macie'] as const)('%s, both reports at once: one incident, the other recorded as a repeat', async (kind) => {
    // Prepare
    const { deps, workflow } = dynamoWorld();
    const events = reports(kind);
    // Act
    const results = await Promise.all(events.map((event) => intakeAlarm(event, raw(event), deps)));
    // Assess
    await expectOneIncident(events, results, workflow);
  });
});
