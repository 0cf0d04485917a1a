import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../functions/shared/crypto.js';
import { invokeHttpApi } from '../../local/twin/http-api.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { formToken } from '../../local/tools/approval-client.js';
import { approvalFor, sesEmails, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { executionArnOf, makeCustomers, sendAlarm, startScenario, submit, waitForState, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('link');
const config = testConfig(prefix, { approverEmails: [`a1.${prefix}@example.com`, `a2.${prefix}@example.com`] });
const [a1, a2] = config.approverEmails as [string, string];
let s: Scenario;
/** Everything the handlers log in this file, at DEBUG, for the hygiene check. */
const logs: string[] = [];

beforeAll(async () => {
  const write = process.stdout.write.bind(process.stdout);
  // Structured (JSON) log lines are kept for the check instead of printed; anything else passes through.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.startsWith('{')) return logs.push(text) > 0;
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  s = await startScenario(prefix, config, { envOverrides: { POWERTOOLS_LOG_LEVEL: 'DEBUG' } });
});
afterAll(async () => {
  await s?.system.stop();
});

async function openIncident(label: string) {
  const bucket = `${label}-${prefix}`;
  await s.customers.putCustomers(makeCustomers(bucket, bucket, 3));
  const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
  await waitForState(s, incidentId, 'Wait for approval');
  // One approval email per approver for this incident's first notice.
  await until(async () => (await sesEmails((e) => e.subject.includes(incidentId))).length === 2, 'both approval emails');
  return incidentId;
}

const decisionsOf = async (incidentId: string) =>
  (await s.approvals.listApprovalRequests(incidentId)).filter((r) => r.status === 'APPROVED' || r.status === 'REJECTED');
const page = (linkId: string, method = 'GET', body?: string, userAgent = 'vitest') =>
  invokeHttpApi(s.system.approvalPage, { method, path: `/approvals/${linkId}`, headers: { 'user-agent': userAgent }, body });

describe('approval links against mail scanners and attackers', () => {
  it('a scanner that fetches every link (HEAD, GET) and submits every form without the code decides nothing', async () => {
    const incidentId = await openIncident('scan');
    const callbacks = s.system.workflow.taskCallbacks;
    const agents = [
      'Mozilla/5.0 (compatible; Microsoft Defender SafeLinks)',
      'Proofpoint URL Defense',
      'Mimecast-Url-Protect',
      'Barracuda Sentinel',
      'HeadlessChrome/156.0',
    ];
    let submissions = 0;
    for (const approver of [a1, a2]) {
      const { linkId } = await approvalFor(approver);
      for (const agent of agents) {
        expect((await page(linkId, 'HEAD', undefined, agent)).statusCode).toBe(200);
        const view = await page(linkId, 'GET', undefined, agent);
        expect(view.statusCode).toBe(200);
        // Submit the form as a scanner would: every button, the hidden fields as served, no code typed.
        for (const decision of ['approve', 'reject']) {
          const withToken = await submit(s, linkId, { decision, reason: 'auto' }, { userAgent: agent });
          const bare = await page(linkId, 'POST', new URLSearchParams({ decision, csrf: formToken(view.body ?? '') }).toString(), agent);
          expect([withToken.out.statusCode, bare.statusCode]).toEqual([400, 400]);
          submissions += 2;
        }
      }
    }
    expect(submissions).toBe(40);
    expect(await decisionsOf(incidentId)).toHaveLength(0);
    expect(s.system.workflow.taskCallbacks).toBe(callbacks);
    expect(s.system.workflow.executions.get(executionArnOf(s, incidentId))!.status).toBe('RUNNING');
    const views = (await s.incidents.listTimeline(incidentId)).filter((e) => e.action === 'approval-page-viewed');
    expect(views.length).toBeGreaterThanOrEqual(20);
    expect(views.some((v) => String(v.detail?.userAgent).includes('SafeLinks'))).toBe(true);
  });

  it('forged, bit-flipped, truncated, stale-form, wrong-code and cross-link attempts are refused with 0 callbacks; the 5th wrong code locks and pages the team', async () => {
    const incidentId = await openIncident('forge');
    const callbacks = s.system.workflow.taskCallbacks;
    const { linkId, code } = await approvalFor(a1, 1, incidentId);
    const other = await approvalFor(a2, 1, incidentId);
    const flip = (id: string) => `${id.slice(0, 10)}${id[10] === 'A' ? 'B' : 'A'}${id.slice(11)}`;
    expect((await page('x'.repeat(43))).statusCode).toBe(404);
    expect((await page(flip(linkId))).statusCode).toBe(404);
    expect((await page(linkId.slice(0, 42))).statusCode).toBe(404);
    expect((await page(`${linkId}A`)).statusCode).toBe(404);
    expect((await page('../../etc/passwd')).statusCode).toBe(404);
    // The right code without the page's CSRF cookie: the form did not come from the page.
    expect((await submit(s, linkId, { decision: 'approve', code }, { withCsrf: false })).out.statusCode).toBe(403);
    // A2's code on A1's link: codes are bound to their link.
    const cross = await submit(s, linkId, { decision: 'approve', code: other.code === code ? '000000' : other.code });
    expect(cross.out.statusCode).toBe(403);
    expect(cross.out.body).toContain('4 tries left');
    for (let i = 0; i < 3; i += 1)
      expect((await submit(s, linkId, { decision: 'approve', code: code === '999999' ? '000000' : '999999' })).out.statusCode).toBe(403);
    const fifth = await submit(s, linkId, { decision: 'approve', code: code === '111111' ? '222222' : '111111' });
    expect(fifth.out.statusCode).toBe(403);
    expect(fifth.out.body).toContain('locked');
    // Locked: even the right code is refused now, and the page says so.
    expect((await submit(s, linkId, { decision: 'approve', code })).view.statusCode).toBe(403);
    expect(s.system.workflow.taskCallbacks).toBe(callbacks);
    expect(await decisionsOf(incidentId)).toHaveLength(0);
    const pages = await topicMessages(s.system.responseTeamTopicArn);
    expect(pages.filter((p) => p.subject?.startsWith('Approval link locked') && p.message.includes(incidentId))).toHaveLength(1);
    const refusals = (await s.incidents.listTimeline(incidentId)).filter((e) => e.action === 'approval-refused');
    expect(refusals.length).toBeGreaterThanOrEqual(6);
    expect(JSON.stringify(refusals)).not.toContain(code);
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();
  });

  it('40 concurrent wrong codes plus the right one: every attempt is counted before comparing, 5 are, then the link is locked; no decision, no callback', async () => {
    const incidentId = await openIncident('burst');
    const callbacks = s.system.workflow.taskCallbacks;
    const { linkId, code } = await approvalFor(a1, 1, incidentId);
    const view = await page(linkId);
    const cookie = (view.cookies ?? []).map((c) => c.split(';')[0]).join('; ');
    const post = (c: string) =>
      invokeHttpApi(s.system.approvalPage, {
        method: 'POST',
        path: `/approvals/${linkId}`,
        headers: { 'user-agent': 'vitest', 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ csrf: formToken(view.body ?? ''), decision: 'approve', code: c }).toString(),
      });
    const wrong = (n: number) => String((Number(code) + 1 + n) % 1_000_000).padStart(6, '0');
    // All 41 in flight at once; the right code is dispatched last, as an attacker's lucky guess would be.
    const results = await Promise.all([...Array.from({ length: 40 }, (_, n) => post(wrong(n))), post(code)]);
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((x) => x === 403)).toHaveLength(41);
    expect(results.at(-1)!.body).toContain('locked');
    expect(await decisionsOf(incidentId)).toHaveLength(0);
    expect(s.system.workflow.taskCallbacks).toBe(callbacks);
    expect(await s.approvals.getApprovalLink(sha256Hex(linkId))).toMatchObject({ attempts: 5, locked: true });
    const pages = await topicMessages(s.system.responseTeamTopicArn);
    expect(pages.filter((p) => p.subject?.startsWith('Approval link locked') && p.message.includes(incidentId))).toHaveLength(1);

    // The counter alone refuses: a link at attempts = max without the locked flag still refuses the right code.
    const other = await approvalFor(a2, 1, incidentId);
    await s.doc.send(
      new UpdateCommand({
        TableName: s.system.tables.incidents,
        Key: { pk: `LINK#${sha256Hex(other.linkId)}`, sk: 'LINK' },
        UpdateExpression: 'SET attempts = :max',
        ExpressionAttributeValues: { ':max': 5 },
      }),
    );
    const refused = await submit(s, other.linkId, { decision: 'approve', code: other.code });
    expect(refused.out.statusCode).toBe(403);
    expect(refused.out.body).toContain('locked');
    expect(await decisionsOf(incidentId)).toHaveLength(0);
    expect(s.system.workflow.taskCallbacks).toBe(callbacks);
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();
  });

  it('50 concurrent POSTs with the right code: exactly one decision, exactly one callback', async () => {
    const incidentId = await openIncident('race');
    const callbacks = s.system.workflow.taskCallbacks;
    const { linkId, code } = await approvalFor(a1, 1, incidentId);
    const results = await Promise.all(Array.from({ length: 50 }, () => submit(s, linkId, { decision: 'approve', code })));
    const statuses = results.map((r) => r.out.statusCode);
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    // Each POST spends one of the link's 5 attempts before comparing: the losers see "already approved", or "locked" once the budget is spent.
    expect(statuses.filter((x) => x !== 200).every((x) => x === 409 || x === 403)).toBe(true);
    expect(await decisionsOf(incidentId)).toHaveLength(1);
    expect(s.system.workflow.taskCallbacks).toBe(callbacks + 1);
    // Right codes never page the team, even when they spend the budget.
    expect(
      (await topicMessages(s.system.responseTeamTopicArn)).filter((p) => p.message.includes(incidentId) && p.subject?.startsWith('Approval link locked')),
    ).toHaveLength(0);
    // A2's link is now "already decided", naming who decided.
    const late = await approvalFor(a2, 1, incidentId);
    const refused = await page(late.linkId, 'POST', 'decision=reject&reason=no');
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain(`already approved by ${a1}`);
    await waitForState(s, incidentId, 'Wait for update approval');
  });

  it('token hygiene: the task token never leaves DynamoDB and Step Functions; link ids appear only in their email', async () => {
    const execution = [...s.system.workflow.executions.values()].find((e) => e.events.some((ev) => ev.stateName === 'Wait for update approval'))!;
    const history = JSON.stringify(execution.events);
    const approvals = await sesEmails((e) => e.subject.startsWith('[Approval needed') && e.destination.to[0]!.endsWith(`.${prefix}@example.com`));
    const allMail = await sesEmails();
    for (const mail of approvals) {
      const path = /\/approvals\/([A-Za-z0-9_-]{43})/.exec(mail.body.text ?? '')![1]!;
      expect(history).not.toContain(path);
      const carrying = allMail.filter((m) => `${m.body.text}${m.body.html}${m.subject}`.includes(path));
      expect(carrying.map((m) => m.messageId)).toEqual([mail.messageId]);
    }
    // The tokens themselves: read from where they live, then looked for everywhere else.
    const requests = await Promise.all(
      [...new Set(approvals.map((m) => /incident (inc-\d{8}-[0-9a-f]{12})/.exec(m.subject)![1]!))].map(async (id) =>
        Promise.all((await s.approvals.listApprovalRequests(id)).map((r) => s.approvals.getTaskToken(id, r.requestId))),
      ),
    );
    const tokens = requests.flat();
    expect(tokens.length).toBeGreaterThan(0);
    const logText = logs.join('');
    expect(logText).toContain('Approval page request');
    for (const mail of approvals) expect(logText).not.toContain(/\/approvals\/([A-Za-z0-9_-]{43})/.exec(mail.body.text ?? '')![1]!);
    const mailText = JSON.stringify(allMail);
    const pages = JSON.stringify(await topicMessages(s.system.responseTeamTopicArn));
    for (const token of tokens) {
      expect(mailText).not.toContain(token);
      expect(pages).not.toContain(token);
      expect(history).not.toContain(token);
      expect(logText).not.toContain(token);
    }
  });
});
