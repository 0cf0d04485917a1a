import { cpuUsage } from 'node:process';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import { ITEMS_PER_SEGMENT, segmentsFor } from '../../functions/domain/assessment.js';
import type { Incident } from '../../functions/domain/incident.js';
import { systemClock } from '../../functions/shared/clock.js';
import { assessSegment, planAssessment, saveAssessment, writeAudienceChunks } from '../../functions/steps/assess-impact.js';
import { closeServer, freePort, LOCAL_CREDENTIALS, startDynamoDbLocal, startSesEmulator } from '../emulators/emulators.js';
import { SnsRecorder } from '../emulators/sns-recorder.js';
import { demoDirectory } from '../twin/demo-directory.js';
import { provision } from '../twin/system.js';
import { BENCH_RESOURCE, benchAppConfig } from './bench-directory.js';

export interface PhaseTime {
  phase: string;
  wallMs: number;
  /** This process's CPU (user + system): the function's own work, DynamoDB Local being another process. */
  cpuMs: number;
}

async function timed<T>(phase: string, f: () => Promise<T>, into: PhaseTime[]): Promise<T> {
  const [wall, cpu] = [performance.now(), cpuUsage()];
  const value = await f();
  const used = cpuUsage(cpu);
  into.push({ phase, wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 });
  return value;
}

/**
 * What one invocation of each assessment phase does at a million customers (`npm run bench --
 * --assess-segment N`): a directory of `customers` (the demo directory's mix, every customer on the
 * alarm's resource) scanned as ONE segment, which is a segment's share when a million are cut into
 * segmentsFor(items) segments; its chunks written; the save. The phases are the step functions the
 * handler calls, against DynamoDB Local, with this process's CPU time per phase.
 */
export async function measureAssessSegment(customers: number): Promise<{ phases: PhaseTime[]; items: number; segmentsAtAMillion: number }> {
  const [ddbPort, sesPort, snsPort] = [await freePort(), await freePort(), await freePort()];
  const [dynamodb, ses] = await Promise.all([startDynamoDbLocal(ddbPort), startSesEmulator(sesPort)]);
  const sns = await new SnsRecorder().listen(snsPort);
  try {
    const config = benchAppConfig();
    const { tables } = await provision({
      endpoints: { dynamodb: dynamodb.url, ses: ses.url, sns: `http://127.0.0.1:${snsPort}` },
      config,
      namePrefix: 'assess-bench',
    });
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: dynamodb.url }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const directory = new CustomersRepository(doc, tables.customers);
    const entries = demoDirectory(customers).map(({ profile, resources }, i) => ({
      profile: { ...profile, customerId: `bench-${i}` },
      resources: [{ resource: BENCH_RESOURCE, dataCategories: resources[0]!.dataCategories }],
    }));
    for (let i = 0; i < entries.length; i += 5_000) await directory.putCustomers(entries.slice(i, i + 5_000));
    const stores = incidentStores(doc, tables.incidents, systemClock);
    const at = new Date().toISOString();
    const incident: Incident = {
      incidentId: 'inc-20261120-00000a55e55a',
      source: 'guardduty',
      findingKey: 'bench:assess',
      alarmSeverity: 5,
      title: 'Bench',
      description: '',
      affectedResources: [BENCH_RESOURCE],
      firstSeenAt: at,
      status: 'OPEN',
      scope: 'PENDING',
      severity: 'MEDIUM',
      createdAt: at,
    };
    await stores.incidents.openIncident(incident, 'bench', '{}');
    const deps = { ...stores, customers: directory, audienceChunkSize: config.audienceChunkSize, locales: config.locales };
    const { incidentId } = incident;
    const phases: PhaseTime[] = [];
    const plan = await timed('plan', () => planAssessment(incidentId, deps), phases);
    const segment = await timed(
      'scan segment',
      () => assessSegment({ incidentId, segment: 0, totalSegments: 1, scopeVersion: plan.scopeVersion }, deps),
      phases,
    );
    await timed('write chunks', () => writeAudienceChunks({ incidentId, segment: 0, scopeVersion: plan.scopeVersion, segments: [segment] }, deps), phases);
    const result = await timed('save', () => saveAssessment({ incidentId, scopeVersion: plan.scopeVersion, segments: [segment] }, deps), phases);
    if (result.affectedCustomers !== customers) throw new Error(`assessed ${result.affectedCustomers} of ${customers} customers`);
    const items = await directory.approximateItemCount();
    // The same mix at a million: items scale with customers.
    return { phases, items, segmentsAtAMillion: segmentsFor((items * 1_000_000) / customers, ITEMS_PER_SEGMENT) };
  } finally {
    await Promise.all([dynamodb.stop(), ses.stop(), closeServer(sns)]);
  }
}
