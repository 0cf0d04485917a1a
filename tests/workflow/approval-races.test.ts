import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../support/fault-proxy.js';
import { approvalFor, emailsTo, endpoints, sesEmails, testConfig, uniquePrefix, until } from '../support/local.js';
import { makeCustomers, sendAlarm, startScenario, submit, teamActions, waitForState, waitForStatus, writeFacts, type Scenario } from '../support/scenario.js';

/**
 * Issue 18, part 8: an edit, a scope decision or a close that arrives while the workflow asks for
 * approval, forced into each moment on one running twin. DynamoDB sits behind a proxy that can hold
 * the write storing the approval request (before it reaches DynamoDB) or its answer (stored, but the
 * request step does not know yet). Whatever the moment, the notice that goes out is the newest
 * draft, its approvers are asked, nobody is asked about a draft the change made stale, and no
 * callback is lost.
 */
const prefix = uniquePrefix('race');
const config = testConfig(prefix);
const approver = config.approverEmails[0]!;

type Change = 'edit' | 'scope' | 'close';
type Moment = 'before' | 'during' | 'after';

interface Gate {
  moment: Moment;
  /** Resolves when the approval request's write reaches the proxy (before) or its answer does (during). */
  arrived: Promise<void>;
  signal: () => void;
  /** Lets the held write, or its answer, go on. */
  release: () => void;
  released: Promise<void>;
  used: boolean;
}

const gates = new Map<string, Gate>();
let proxy: FaultProxy;
let s: Scenario;

function gate(moment: Moment): Gate {
  let signal!: () => void;
  let release!: () => void;
  const arrived = new Promise<void>((r) => (signal = r));
  const released = new Promise<void>((r) => (release = r));
  return { moment, arrived, signal, release, released, used: false };
}

/** The gate of the incident whose first approval request this write stores, if that moment is being forced. */
function gateFor(req: ProxiedRequest, moment: Moment): Gate | undefined {
  // The request's Put is the only write of an item of type 'approval' (see ApprovalStore.putApprovalRequest).
  if (!req.body.includes('"TransactItems"') || !req.body.includes('"type":{"S":"approval"}')) return undefined;
  const incidentId = /"pk":\{"S":"INC#(inc-[^"]+)"\}/.exec(req.body)?.[1];
  const g = incidentId ? gates.get(incidentId) : undefined;
  if (!g || g.moment !== moment || g.used) return undefined;
  g.used = true;
  return g;
}

beforeAll(async () => {
  proxy = await startFaultProxy(
    endpoints().dynamodb,
    async (req) => {
      const g = gateFor(req, 'before');
      if (g) {
        g.signal();
        await g.released;
      }
      return 'pass' as const;
    },
    undefined,
    async (req) => {
      const g = gateFor(req, 'during');
      if (g) {
        g.signal();
        await g.released;
      }
    },
  );
  s = await startScenario(prefix, config, {
    // The twin's functions reach DynamoDB through the gate; the test's own stores (the team's commands) do not.
    endpoints: { ...endpoints(), dynamodb: proxy.url },
    waitTimeOverrides: { 'Wait to resume sending notices': 50, 'Wait to resume sending update': 50 },
  });
}, 120_000);

afterAll(async () => {
  await s?.system.stop();
  await proxy?.close();
});

const firstNoticeApprovals = async (incidentId: string) =>
  (await emailsTo(approver)).filter((m) => m.subject.includes(incidentId) && m.subject.includes('First customer notice')).sort((a, b) => a.at - b.at);

const customersEmailed = async (label: string) =>
  (await sesEmails((m) => m.destination.to.some((to) => to.endsWith(`.${prefix}-${label}@example.com`)))).flatMap((m) => m.destination.to).sort();

const EDITED = 'The export job was stopped at 02:10 and its keys revoked.';

async function change(kind: Change, incidentId: string, bucketArn: string) {
  if (kind === 'edit') await writeFacts(s, incidentId, { en: { whatHappened: EDITED, measures: [], advice: [], remedies: [] } });
  else if (kind === 'scope') {
    await teamActions(s).decideScope({
      incidentId,
      author: 'lead@example.com',
      request: { basis: 'resources', resources: [bucketArn], countries: ['CN'], reason: 'only the CN rows were read' },
    });
  } else await teamActions(s).close({ incidentId, author: 'lead@example.com', reason: 'false positive' });
}

async function approveNewest(incidentId: string, nth: number) {
  const { linkId, code } = await approvalFor(approver, nth, incidentId);
  const { out } = await submit(s, linkId, { decision: 'approve', reason: '', code });
  return out;
}

async function run(kind: Change, moment: Moment) {
  // Prepare: four customers (DE, CN, GB, CN) on a bucket of their own.
  const label = `${kind}-${moment}`;
  const bucket = `${label}-${prefix}`;
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const customers = makeCustomers(`${prefix}-${label}`, bucketArn, 4);
  await s.customers.putCustomers(customers);
  const out = await sendAlarm(s, guardDutyFinding({ bucket }));
  const incidentId = out.incidents![0]!.incidentId;
  const g = moment === 'after' ? undefined : gate(moment);
  if (g) gates.set(incidentId, g);

  // Act: the change lands in the chosen moment of the first approval request.
  if (g) {
    let arrived = false;
    void g.arrived.then(() => (arrived = true));
    await until(async () => arrived, `the approval request's write of ${label}`);
    await change(kind, incidentId, bucketArn);
    g.release();
  } else {
    await approvalFor(approver, 1, incidentId);
    await change(kind, incidentId, bucketArn);
  }

  // Assess
  const timeline = async () => (await s.incidents.listTimeline(incidentId)).map((e) => e.action);
  if (kind === 'close') {
    expect(await waitForStatus(s, incidentId, ['SUCCEEDED', 'FAILED'])).toBe('SUCCEEDED');
    // Asked about the stale draft only when the request had been fully made before the close.
    expect(await firstNoticeApprovals(incidentId)).toHaveLength(moment === 'after' ? 1 : 0);
    expect(await customersEmailed(label)).toEqual([]);
    expect(await timeline()).toEqual(expect.arrayContaining(['notice-withdrawn', 'first-notice-not-needed', 'final-report-sent']));
    expect((await s.notices.getNotice(incidentId, 'first-notice-1')).status).toBe('WITHDRAWN');
  } else {
    // The newest draft's approvers are asked (once, unless the stale draft's request had already gone out).
    const expected = moment === 'after' ? 2 : 1;
    const approvals = await until(
      async () => ((await firstNoticeApprovals(incidentId)).length >= expected ? firstNoticeApprovals(incidentId) : undefined),
      `approval email ${expected} of ${label}`,
    );
    if (kind === 'edit') expect(approvals.at(-1)!.body.text).toContain("written from version 1 of the response team's facts");
    expect((await approveNewest(incidentId, expected)).statusCode).toBe(200);
    await waitForState(s, incidentId, 'Wait until next update');
    expect(await firstNoticeApprovals(incidentId)).toHaveLength(expected);
    const told = await customersEmailed(label);
    const all = customers.map((c) => c.profile.email!);
    // The scope decision narrowed the audience to the CN rows; the edit reached every customer's notice.
    expect(told).toEqual((kind === 'scope' ? customers.filter((c) => c.profile.country === 'CN').map((c) => c.profile.email!) : all).sort());
    if (kind === 'edit') {
      const en = (await emailsTo(all[0]!))[0]!;
      expect(en.body.text).toContain(EDITED);
    }
    if (moment === 'after') {
      // The stale draft's link says so and decides nothing.
      const { linkId, code } = await approvalFor(approver, 1, incidentId);
      expect((await submit(s, linkId, { decision: 'approve', reason: '', code })).out.statusCode).toBe(410);
    }
  }
  // Whichever came first, no callback was sent to a task that no longer waits (the team is paged for those).
  expect(await timeline()).not.toContain('approval-callback-lost');
  // A request stored before the change was taken back by it; one refused by its write never existed.
  const takenBack = (await timeline()).filter((a) => a.startsWith('approval-superseded-by-')).length;
  expect(takenBack).toBe(moment === 'before' ? 0 : 1);
}

describe('a change that died before taking the request back', () => {
  it('the next decision on the stale request takes it back itself: the workflow redrafts at once and asks again', async () => {
    // Prepare: the request is out; the facts are saved (the incident's item moves on) but the edit stops there.
    const label = 'crashed-edit';
    const bucket = `${label}-${prefix}`;
    await s.customers.putCustomers(makeCustomers(`${prefix}-${label}`, `arn:aws:s3:::${bucket}`, 2));
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    const stale = await approvalFor(approver, 1, incidentId);
    await s.facts.saveFacts(incidentId, 'lead@example.com', { en: { whatHappened: EDITED, measures: [], advice: [], remedies: [] } }, 0);
    // Act
    const { out } = await submit(s, stale.linkId, { decision: 'approve', reason: '', code: stale.code });
    // Assess: refused, and the redrafted notice's approvers are asked without waiting for the timeout.
    expect(out.statusCode).toBe(410);
    const asked = await until(
      async () => ((await firstNoticeApprovals(incidentId)).length === 2 ? firstNoticeApprovals(incidentId) : undefined),
      'the redraft asked for',
    );
    expect(asked[1]!.body.text).toContain("written from version 1 of the response team's facts");
    expect((await approveNewest(incidentId, 2)).statusCode).toBe(200);
    await waitForState(s, incidentId, 'Wait until next update');
    expect((await emailsTo(`c0.${prefix}-${label}@example.com`))[0]!.body.text).toContain(EDITED);
  }, 120_000);
});

describe('a change and the approval request, in every order (one twin, DynamoDB behind a gate)', () => {
  for (const kind of ['edit', 'scope', 'close'] as const) {
    it(`${kind}: before the request is stored, while its write is answered, after approvers were asked`, async () => {
      await Promise.all((['before', 'during', 'after'] as const).map((moment) => run(kind, moment)));
    }, 180_000);
  }
});
