import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerProfile, CustomerResource } from '../../functions/domain/customer.js';
import { cloudWatchAlarm } from '../../local/tools/sample-alarms.js';
import { testConfig, uniquePrefix, until } from '../support/local.js';
import { sendAlarm, startScenario, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('smpl');
const config = testConfig(prefix);
const fixtureDir = new URL('../fixtures/aws-events/', import.meta.url);
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (name: string) => JSON.parse(readFileSync(new URL(name, fixtureDir), 'utf8')) as unknown;

/**
 * Per resource kind: an alarm, and the directory entries that must find it (by name, by ARN) or must
 * not (another kind's ARN with the same name, or a neighbouring id).
 */
const kinds: { kind: string; alarm: string; byName: string; byArn: string; notThis: string }[] = [
  {
    kind: 's3',
    alarm: 'macie-sensitive-data-object.json',
    byName: 'customer-exports',
    byArn: 'arn:aws:s3:::customer-exports',
    notThis: 'arn:aws:dynamodb:us-east-1:123456789012:table/customer-exports',
  },
  {
    kind: 'dynamodb',
    alarm: 'securityhub-control-dynamodb.json',
    byName: 'orders',
    byArn: 'arn:aws:dynamodb:us-west-2:111122223333:table/orders',
    notThis: 'arn:aws:s3:::orders',
  },
  {
    kind: 'rds-db',
    alarm: 'guardduty-rds.json',
    byName: 'customers-db-1',
    byArn: 'arn:aws:rds:us-east-1:123456789012:db:customers-db-1',
    notThis: 'arn:aws:rds:us-east-1:123456789012:cluster:customers-db-1',
  },
  {
    kind: 'rds-cluster',
    alarm: 'securityhub-third-party-rds-cluster.json',
    byName: 'customers-cluster',
    byArn: 'arn:aws:rds:us-west-2:111122223333:cluster:customers-cluster',
    notThis: 'arn:aws:rds:us-west-2:111122223333:db:customers-cluster',
  },
  {
    kind: 'ec2',
    alarm: 'guardduty-ec2-instance.json',
    byName: 'i-05746eb48123455e0',
    byArn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-05746eb48123455e0',
    notThis: 'i-05746eb48123455e1',
  },
  {
    kind: 'iam-access-key',
    alarm: 'securityhub-guardduty-access-key.json',
    byName: 'ASIASZ4SI7REXAMPLE01',
    byArn: 'ASIASZ4SI7REXAMPLE01',
    notThis: 'ASIASZ4SI7REXAMPLE02',
  },
  {
    kind: 'iam-user',
    alarm: 'securityhub-guardduty-access-key.json',
    byName: 'alice',
    byArn: 'arn:aws:iam::111122223333:user/staff/alice',
    notThis: 'arn:aws:s3:::alice',
  },
  {
    kind: 'lambda',
    alarm: 'guardduty-lambda.json',
    byName: 'order-export',
    byArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-export',
    notThis: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:order-export',
  },
  {
    kind: 'cloudwatch-alarm',
    alarm: 'cloudwatch-metric-math.json',
    byName: 'TotalNetworkTrafficTooHigh',
    byArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:TotalNetworkTrafficTooHigh',
    notThis: 'arn:aws:lambda:us-east-1:123456789012:function:TotalNetworkTrafficTooHigh',
  },
  {
    kind: 'metric-dimension',
    alarm: 'cloudwatch-single-metric.json',
    byName: 'i-12345678901234567',
    byArn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-12345678901234567',
    notThis: 'i-12345678901234568',
  },
  {
    kind: 'composite-child-alarm',
    alarm: 'cloudwatch-composite.json',
    byName: 'ServerCpuTooHigh',
    byArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh',
    notThis: 'arn:aws:s3:::servercputoohigh',
  },
];

function customer(id: string, resource: string): { profile: CustomerProfile; resources: CustomerResource[] } {
  return {
    profile: { customerId: id, name: id, email: `${id}.${prefix}@example.com`, locale: 'en-GB', country: 'GB', channels: ['email'] },
    resources: [{ resource, dataCategories: ['email'] }],
  };
}

let s: Scenario;
let executionsBefore = 0;
const outcomes = new Map<string, Awaited<ReturnType<typeof sendAlarm>>>();

beforeAll(async () => {
  s = await startScenario(prefix, config);
  await s.customers.putCustomers([
    ...kinds.flatMap((k) => [customer(`${k.kind}-name`, k.byName), customer(`${k.kind}-arn`, k.byArn), customer(`${k.kind}-other`, k.notThis)]),
    customer('dimension-auth-service', 'auth-service'),
  ]);
  executionsBefore = s.system.workflow.executions.size;
  for (const name of fixtures) outcomes.set(name, await sendAlarm(s, load(name)));
});
afterAll(async () => {
  await s?.system.stop();
});

async function audienceOf(incidentId: string): Promise<string[]> {
  const incident = await until(async () => {
    const i = await s.incidents.getIncident(incidentId);
    return i.scope !== 'PENDING' ? i : undefined;
  }, `assessment of ${incidentId}`);
  const chunks = await Promise.all(Array.from({ length: incident.audienceChunks ?? 0 }, (_, n) => s.incidents.getAudienceChunk(incidentId, n)));
  return chunks.flat().map((m) => m.customerId);
}

describe("AWS's documented sample events through intake and the workflow", () => {
  it('every sample event starts exactly one incident, with one execution named by it', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(18);
    const started = new Set<string>();
    for (const name of fixtures) {
      const out = outcomes.get(name)!;
      expect(out, name).toMatchObject({ outcome: 'accepted', incidents: [{ outcome: 'opened' }] });
      expect(out.incidents, name).toHaveLength(1);
      const incidentId = out.incidents![0]!.incidentId;
      const executions = [...s.system.workflow.executions.values()].filter((e) => e.name === incidentId);
      expect(executions, name).toHaveLength(1);
      started.add(incidentId);
    }
    expect(started.size).toBe(fixtures.length);
    expect(s.system.workflow.executions.size - executionsBefore).toBe(fixtures.length);
  });

  it.each(kinds)('an incident on $kind ($alarm) finds the customers who wrote it by name and by ARN, not another kind', async ({ kind, alarm }) => {
    const audience = await audienceOf(outcomes.get(alarm)!.incidents![0]!.incidentId);
    expect(audience).toContain(`${kind}-name`);
    expect(audience).toContain(`${kind}-arn`);
    expect(audience).not.toContain(`${kind}-other`);
  });

  it('a metric dimension value reaches the customers who wrote it', async () => {
    const out = await sendAlarm(s, cloudWatchAlarm(`security-${prefix}`, 'auth-service'));
    expect(await audienceOf(out.incidents![0]!.incidentId)).toEqual(['dimension-auth-service']);
  });
});
