import type { QueueRequests } from './queues.js';
import type { EngineEvent, Execution } from './workflow-engine.js';

/** One function's use of Lambda on the twin: what its bill is made of. */
export interface FunctionUsage {
  invocations: number;
  /** Time inside invocations, summed (ms): Lambda bills each rounded up to the millisecond. */
  billedMs: number;
  /** The longest single invocation (ms): what the function's timeout has to cover. */
  longestMs?: number;
  /** Init phases (cold starts) and their summed time: billed as duration too. */
  coldStarts: number;
  initMs: number;
  memoryMB: number;
  /** What the function wrote to stdout and stderr (its CloudWatch log stream). */
  logBytes: number;
  /** Run on a schedule (the sweepers), which the twin runs `timeScale` times as often as AWS. */
  scheduled?: boolean;
}

/** Everything a run made the twin's services do that AWS bills, by service. */
export interface Usage {
  lambda: Record<string, FunctionUsage>;
  stepFunctions: {
    /** Standard executions started (the incident's), and the Distributed Map's child executions (one per item). */
    executions: number;
    childExecutions: number;
    /** States entered and retries: what Step Functions bills as state transitions. */
    stateTransitions: number;
    /** The execution log's bytes: level ALL without execution data, one record per history event. */
    logBytes: number;
    /** The largest state input, output or task result of any execution (UTF-8 bytes; Step Functions' quota is 256 KiB), and whose. */
    largestPayload: { bytes: number; stateName: string };
    /** Per Task state that invokes a function, its longest invocation in any execution (ms). */
    longestTaskMs: Record<string, number>;
  };
  dynamodb: { readRequestUnits: number; writeRequestUnits: number; requests: Record<string, number> };
  /** KMS calls the services make on the functions' behalf with the stack's customer-managed key. */
  kms: { requests: number; byService: Record<string, number> };
  sns: { topicPublishes: number; sms: number; smsParts: number };
  ses: { emails: number };
  events: { custom: number; awsService: number };
  /** Requests to each queue (by logical id): EventBridge's sends, Lambda's pollers' receives and deletes. */
  sqs: Record<string, QueueRequests>;
  s3: { requests: Record<string, number> };
  secretsManager: { requests: number };
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
/** DynamoDB caches a table key for each caller connection and calls KMS again after five minutes: https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html */
const TABLE_KEY_CACHE_MS = 5 * 60_000;

/**
 * Counts, as requests pass the functions' IAM gates, what AWS bills per request: DynamoDB request units (the
 * gate asks DynamoDB Local for ConsumedCapacity, which it computes as DynamoDB does), KMS calls made through
 * the services, S3 and Secrets Manager requests. Lambda, Step Functions, SNS, SES and EventBridge are read
 * from their own twins when the usage is asked for (`usageOf` in twin.ts).
 */
export class RequestMeter {
  readonly dynamodb: Usage['dynamodb'] = { readRequestUnits: 0, writeRequestUnits: 0, requests: {} };
  readonly kms: Usage['kms'] = { requests: 0, byService: {} };
  readonly s3: Usage['s3'] = { requests: {} };
  readonly secretsManager: Usage['secretsManager'] = { requests: 0 };
  private readonly tableKeys = new Set<string>();

  /** An allowed request: its operation and what IAM checked for it (kms: actions are calls the service makes to KMS). */
  allowed(service: string, accessKeyId: string, operation: string, resources: { action: string; resource: string }[], now = Date.now()): void {
    for (const { action } of resources) if (action.startsWith('kms:')) this.kmsCall(service);
    if (service === 'dynamodb') {
      this.dynamodb.requests[operation] = (this.dynamodb.requests[operation] ?? 0) + 1;
      for (const { resource } of resources) {
        const table = /:table\/([^/]+)/.exec(resource)?.[1];
        const key = table && `${accessKeyId} ${table} ${Math.floor(now / TABLE_KEY_CACHE_MS)}`;
        if (key && !this.tableKeys.has(key)) {
          this.tableKeys.add(key);
          this.kmsCall('dynamodb');
        }
      }
    } else if (service === 's3') this.s3.requests[operation] = (this.s3.requests[operation] ?? 0) + 1;
    else if (service === 'secretsmanager') this.secretsManager.requests += 1;
  }

  /** DynamoDB's answer to an operation: its ConsumedCapacity, or for a refused conditional write the unit it still costs. */
  consumed(operation: string, status: number, answer: string): void {
    let units = 0;
    for (const m of answer.matchAll(/"CapacityUnits":\s*([0-9.]+)/g)) units += Number(m[1]);
    // A write refused by its condition consumes write units all the same (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html#WorkingWithItems.ConditionalUpdate).
    if (units === 0 && status === 400 && WRITES.has(operation) && answer.includes('ConditionalCheckFailed')) units = 1;
    if (WRITES.has(operation)) this.dynamodb.writeRequestUnits += units;
    else this.dynamodb.readRequestUnits += units;
  }

  private kmsCall(service: string): void {
    this.kms.requests += 1;
    this.kms.byService[service] = (this.kms.byService[service] ?? 0) + 1;
  }
}

/** A DynamoDB request body asking for its ConsumedCapacity (TOTAL: table and indexes together), unless it asked already. */
export function withConsumedCapacity(body: Buffer): Buffer {
  const request = JSON.parse(body.toString('utf8') || '{}') as { ReturnConsumedCapacity?: string };
  if (request.ReturnConsumedCapacity === 'TOTAL') return body;
  return Buffer.from(JSON.stringify({ ...request, ReturnConsumedCapacity: 'TOTAL' }));
}

/**
 * Step Functions' bill and log from the executions the twin ran: every state entered and every retry is a
 * transition (https://aws.amazon.com/step-functions/pricing/); each item of a Distributed Map runs as a
 * child execution, its transitions billed the same. Log records as level ALL writes them without
 * execution data (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html): one per history event.
 */
export function stepFunctionsUsage(executions: Iterable<Execution>, distributedMaps: ReadonlySet<string>): Usage['stepFunctions'] {
  const usage = {
    executions: 0,
    childExecutions: 0,
    stateTransitions: 0,
    logBytes: 0,
    largestPayload: { bytes: 0, stateName: '' },
    longestTaskMs: {} as Record<string, number>,
  };
  for (const execution of executions) {
    usage.executions += 1;
    for (const [state, ms] of Object.entries(execution.longestTaskMs)) usage.longestTaskMs[state] = Math.max(usage.longestTaskMs[state] ?? 0, ms);
    if (execution.largestPayload.bytes > usage.largestPayload.bytes) usage.largestPayload = { ...execution.largestPayload };
    execution.events.forEach((event, i) => {
      if (event.type === 'StateEntered' || event.type === 'StateRetried') usage.stateTransitions += 1;
      if (event.type === 'MapIterationStarted' && event.stateName && distributedMaps.has(event.stateName)) usage.childExecutions += 1;
      usage.logBytes += logRecordBytes(execution.executionArn, event, i);
    });
  }
  return usage;
}

function logRecordBytes(executionArn: string, event: EngineEvent, index: number): number {
  const record = {
    id: String(index + 1),
    type: event.type,
    details: { ...(event.stateName ? { name: event.stateName } : {}), ...(event.error ? { error: event.error } : {}) },
    previous_event_id: String(index),
    event_timestamp: String(event.timestamp),
    execution_arn: executionArn,
    redrive_count: '0',
  };
  return Buffer.byteLength(JSON.stringify(record));
}
