import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
// The signer inside every AWS SDK client, as an operator's own SDK script would sign.
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentStores } from '../../functions/adapters/stores.js';
import { systemClock } from '../../functions/shared/clock.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import { until } from '../support/local.js';

// The operator API of a running twin, called as a response-team script would: SigV4-signed HTTP to the edge.
const operator = { accessKeyId: 'lead.responder', secretAccessKey: 'not-checked-on-the-twin' };
const operatorArn = 'arn:aws:iam::000000000000:user/lead.responder';
const credentials = { accessKeyId: 'e2e', secretAccessKey: 'e2e' };
let twin: Twin;
let incidentId: string;
let stores: ReturnType<typeof incidentStores>;

/** SHA-256 (HMAC with a secret) from node:crypto, in the shape the signer takes. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) =>
  typeof data === 'string' ? Buffer.from(data) : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
class Sha256 {
  private hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

const signer = new SignatureV4({ service: 'execute-api', region: 'us-east-1', credentials: operator, sha256: Sha256 });

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(method: 'GET' | 'PUT', path: string, body?: unknown, sign = true): Promise<Answer> {
  const url = new URL(`${twin.edgeUrl}${path}`);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const request = {
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, ...(text ? { 'content-type': 'application/json' } : {}) },
    body: text,
  };
  const { headers } = sign ? await signer.sign(request) : request;
  const res = await fetch(url, { method, headers: headers as Record<string, string>, body: text });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const facts = (path = `/operator/incidents/${incidentId}/facts`) => path;
const executionOf = () => [...twin.system.workflow.executions.values()].find((e) => e.name === incidentId);
const approvalWaits = () => executionOf()?.events.filter((e) => e.type === 'StateEntered' && e.stateName === 'Wait for approval').length ?? 0;
const parkedInApproval = () => {
  const entered = executionOf()?.events.filter((e) => e.type === 'StateEntered');
  return entered?.at(-1)?.stateName === 'Wait for approval';
};

beforeAll(async () => {
  twin = await startTwin({ port: 0, customers: 20 });
  const events = new EventBridgeClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials });
  const finding = guardDutyFinding({ bucket: 'customer-data' });
  await events.send(
    new PutEventsCommand({
      Entries: [{ Source: finding.source, DetailType: finding['detail-type'], Detail: JSON.stringify(finding.detail), Resources: finding.resources }],
    }),
  );
  incidentId = await until(async () => [...twin.system.workflow.executions.values()][0]?.name, 'the execution');
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials }));
  stores = incidentStores(doc, 'breach-notice-incidents', systemClock);
}, 120_000);

afterAll(async () => {
  await twin?.stop();
});

describe('the operator API on the twin', () => {
  it('a PUT while the first notice waits for approval saves the facts as the caller, takes the approval back and the notice is redrafted; a stale PUT gets 409', async () => {
    // Prepare: the notice waits for its approver.
    await until(async () => parkedInApproval(), 'the first notice waiting for approval', 60_000);
    const before = await call('GET', facts());
    expect(before).toEqual({ status: 200, body: { incidentId, version: 0, author: '', at: '', locales: {}, gaps: [] } });
    const edit = {
      expectedVersion: 0,
      locales: {
        en: { cause: 'A storage bucket was made public during maintenance.', measures: ['We closed public access to the bucket.'] },
        'zh-CN': { cause: '维护期间一个存储桶被设为公开。', measures: ['我们已关闭该存储桶的公开访问。'] },
      },
    };

    // Act
    const saved = await call('PUT', facts(), edit);
    const stale = await call('PUT', facts(), { ...edit, locales: { en: { cause: 'Written from version 0.' } } });

    // Assess: saved by the caller, the pending request taken back and its task told at once.
    expect(saved).toEqual({ status: 200, body: { version: 1, gaps: [], supersededRequests: 1, deliveredNow: 1 } });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('are at version 1, not 0');
    const latest = await call('GET', facts());
    expect(latest.body).toMatchObject({ version: 1, author: operatorArn, locales: { en: { cause: edit.locales.en.cause } } });
    expect((await stores.facts.listFacts(incidentId)).map((v) => v.version)).toEqual([1]);
    const requests = await stores.approvals.listApprovalRequests(incidentId);
    expect(requests.find((r) => r.noticeId === 'first-notice-1' && r.status === 'EDITED')).toMatchObject({ editedToFactsVersion: 1 });
    // The workflow redrafts from version 1 and waits for approval again.
    const redrafted = await until(async () => {
      const notice = await stores.notices.getNotice(incidentId, 'first-notice-1');
      return notice.version === 2 && notice;
    }, 'the redrafted notice');
    expect(redrafted).toMatchObject({ factsVersion: 1, status: 'PENDING_APPROVAL' });
    await until(async () => approvalWaits() === 2 && parkedInApproval(), 'the second wait for approval');
    const timeline = await stores.incidents.listTimeline(incidentId);
    expect(timeline.filter((e) => e.action === 'facts-edited').map((e) => e.actor)).toEqual([operatorArn]);
    expect(timeline.filter((e) => e.action === 'approval-superseded-by-edit').map((e) => e.actor)).toEqual([operatorArn]);
  }, 90_000);

  it('an unsigned request, or one for an unknown incident, changes nothing', async () => {
    // Prepare
    const before = await stores.facts.listFacts(incidentId);
    // Act
    const unsigned = await call('PUT', facts(), { expectedVersion: 1, locales: { en: { cause: 'unsigned' } } }, false);
    const unsignedGet = await call('GET', facts(), undefined, false);
    const unknown = await call('PUT', facts('/operator/incidents/inc-20260101-000000000000/facts'), { expectedVersion: 0, locales: { en: { cause: 'x' } } });
    const invalid = await call('PUT', facts(), { expectedVersion: 1, locales: { fr: { cause: 'x' } } });
    // Assess
    expect([unsigned, unsignedGet].map((a) => a.body)).toEqual([{ message: 'Forbidden' }, { message: 'Forbidden' }]);
    expect([unsigned.status, unsignedGet.status, unknown.status, invalid.status]).toEqual([403, 403, 404, 400]);
    expect(invalid.body.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['fr'] }), expect.objectContaining({ code: 'custom' })]);
    expect(await stores.facts.listFacts(incidentId)).toEqual(before);
  });
});
