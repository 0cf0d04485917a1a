import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkAndCode } from '../../local/tools/approval-client.js';
import { operatorConsole } from '../../local/console/operator-console.js';
import { closeServer } from '../../local/emulators/emulators.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { emailsTo, sesEmails, smsMessages, testConfig, uniquePrefix, until, type StoredEmail } from '../support/local.js';
import { editFacts } from '../../functions/steps/edit-facts.js';
import { editDeps, makeCustomers, teamActions, sendAlarm, startScenario, submit, waitForState, waitForStatus, type Scenario } from '../support/scenario.js';

/**
 * One twin left running, incident after incident, as people use it: two findings on the same bucket
 * and a third on another bucket, 30 customers on both buckets (so in all three incidents), decisions,
 * updates and closings interleaved. Every customer must get every notice of every incident once.
 */
const prefix = uniquePrefix('many');
const config = testConfig(prefix);
const approver = config.approverEmails[0]!;
const bucketA = `orders-${prefix}`;
const bucketB = `profiles-${prefix}`;
const both = makeCustomers(prefix, bucketA, 30).map((c) => ({ ...c, resources: [...c.resources, { resource: bucketB, dataCategories: ['email', 'name'] }] }));
const onlyA = makeCustomers(prefix, bucketA, 25, 100);
const onlyB = makeCustomers(prefix, bucketB, 20, 200);
const bystanders = makeCustomers(prefix, `elsewhere-${prefix}`, 5, 300);
const all = [...both, ...onlyA, ...onlyB, ...bystanders];
const audienceA = [...both, ...onlyA].map((c) => c.profile);
const audienceB = [...both, ...onlyB].map((c) => c.profile);

let s: Scenario;
let consoleServer: Server;
let consoleUrl: string;

beforeAll(async () => {
  s = await startScenario(prefix, config);
  await s.customers.putCustomers(all);
  const handle = operatorConsole({
    workflow: s.system.workflow,
    incidents: s.incidents,
    notices: s.notices,
    approvals: s.approvals,
    ledger: s.ledger,
    facts: s.facts,
    locales: config.locales,
    operator: 'operator@example.com',
    editFacts: (input) => editFacts(input, editDeps(s)),
    teamActions: teamActions(s),
    mailboxUrl: 'http://mailbox.invalid/',
  });
  consoleServer = createServer((req, res) => void handle(req, res).then((handled) => handled || res.writeHead(404).end()));
  await new Promise<void>((resolve) => consoleServer.listen(0, '127.0.0.1', resolve));
  consoleUrl = `http://127.0.0.1:${(consoleServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await s?.system.stop();
  if (consoleServer) await closeServer(consoleServer);
});

/** Approves the pending notice of one incident through its own approval email, as a person would. */
async function approve(incidentId: string, kind: RegExp): Promise<void> {
  const mail = await until(
    async () => (await emailsTo(approver)).find((m) => m.subject.startsWith('[Approval needed') && m.subject.includes(incidentId) && kind.test(m.subject)),
    `approval email for ${incidentId} ${kind}`,
  );
  const { path, code } = linkAndCode(mail.body.text ?? '');
  const { out } = await submit(s, path.slice('/approvals/'.length), { decision: 'approve', reason: '', code });
  expect(out.statusCode, `${incidentId} ${kind}`).toBe(200);
}

describe('a twin left running: three incidents, overlapping audiences, interleaved', () => {
  it('every customer gets every notice of every incident exactly once; each incident reports its own figures', async () => {
    const open = async (bucket: string) => (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    const first = await open(bucketA);
    const second = await open(bucketA); // another finding on the same bucket: its own incident
    const third = await open(bucketB);
    expect(new Set([first, second, third]).size).toBe(3);
    const incidents = [
      { id: first, audience: audienceA },
      { id: second, audience: audienceA },
      { id: third, audience: audienceB },
    ];

    // First notices decided out of order, two at once; then updates and closings interleaved.
    await approve(second, /First customer notice/);
    await Promise.all([approve(first, /First customer notice/), approve(third, /First customer notice/)]);
    for (const { id } of incidents) await waitForState(s, id, 'Wait for update approval');
    // Each incident's first update approved, then closed while its next update awaits approval (the close takes that one back).
    const closeNow = async (incidentId: string) => {
      await until(
        async () => (await emailsTo(approver)).some((m) => m.subject.includes(incidentId) && m.subject.includes('Customer update 2')),
        `the second update of ${incidentId} asked for`,
      );
      await teamActions(s).close({ incidentId, author: 'operator@example.com' });
    };
    await approve(third, /Customer update 1 /);
    await closeNow(third);
    await Promise.all([approve(second, /Customer update 1 /), approve(first, /Customer update 1 /)]);
    await Promise.all([closeNow(first), closeNow(second)]);
    // Each closed incident's closing notice, approved out of order.
    await approve(first, /closing/i);
    await Promise.all([approve(third, /closing/i), approve(second, /closing/i)]);
    for (const { id } of incidents) expect(await waitForStatus(s, id, ['SUCCEEDED', 'FAILED'])).toBe('SUCCEEDED');

    // The mailbox: per incident, one first notice, one update and one closing notice for each customer of its audience, none for others.
    const customerMail = await sesEmails((e) => e.destination.to[0]!.endsWith(`.${prefix}@example.com`) && /^c\d+\./.test(e.destination.to[0]!));
    const mailOf = (incidentId: string, address: string) =>
      customerMail.filter((m: StoredEmail) => m.destination.to[0] === address && (m.body.text ?? '').includes(incidentId));
    for (const { id, audience } of incidents) {
      for (const c of all.map((x) => x.profile)) {
        const got = mailOf(id, c.email!);
        expect(got.length, `${id} ${c.email}`).toBe(audience.includes(c) ? 3 : 0);
      }
    }
    expect(customerMail).toHaveLength(3 * (audienceA.length * 2 + audienceB.length));

    // SMS: three per incident a customer is in, for those who chose SMS.
    const sms = await smsMessages();
    for (const c of all.map((x) => x.profile).filter((p) => p.phone)) {
      const expected = 3 * incidents.filter((i) => i.audience.includes(c)).length;
      expect(sms[c.phone!]?.length ?? 0, c.phone).toBe(expected);
    }

    // Each incident's own figures: the ledger, the timeline, the final report and the console.
    for (const { id, audience } of incidents) {
      const smsCount = audience.filter((p) => p.phone).length;
      for (const noticeId of ['first-notice-1', 'update-2', 'closing-4']) {
        const totals = await s.ledger.noticeTotals({ incidentId: id, noticeId });
        expect(totals.email, `${id} ${noticeId}`).toMatchObject({ sent: audience.length, failed: 0, uncertain: 0, unfinished: 0 });
        expect(totals.sms, `${id} ${noticeId}`).toMatchObject({ sent: smsCount, failed: 0, uncertain: 0, unfinished: 0 });
      }
      const sent = (await s.incidents.listTimeline(id)).filter((e) => e.action === 'notice-sent');
      expect(sent.map((e) => (e.detail as { totals: { email: { sent: number } } }).totals.email.sent)).toEqual([
        audience.length,
        audience.length,
        audience.length,
      ]);

      const report = await until(
        async () => (await emailsTo(approver)).find((m) => m.subject.startsWith('Final report') && m.subject.includes(id)),
        `final report ${id}`,
      );
      expect(report.body.text).toContain(`first-notice-1 email: sent ${audience.length},`);
      expect(report.body.text).toContain(`update-2 email: sent ${audience.length},`);
      expect(report.body.text).toContain(`first-notice-1 sms: sent ${smsCount},`);

      const page = await (await fetch(`${consoleUrl}/incidents/${id}`)).text();
      const rows = [...page.matchAll(/<tr><td>([a-z0-9-]+)<\/td><td>(email|sms)<\/td><td>(\d+)<\/td>/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
      expect(rows.sort()).toEqual([
        `closing-4 email ${audience.length}`,
        `closing-4 sms ${smsCount}`,
        `first-notice-1 email ${audience.length}`,
        `first-notice-1 sms ${smsCount}`,
        `update-2 email ${audience.length}`,
        `update-2 sms ${smsCount}`,
      ]);
    }
  });
});
