import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { reputationOf } from '../../functions/domain/delivery-evidence.js';
import { systemClock } from '../../functions/shared/clock.js';
import { editFacts } from '../../functions/steps/edit-facts.js';
import { unreachableCustomers } from '../../functions/steps/unreachable-customers.js';
import { operatorConsole } from '../../local/console/operator-console.js';
import { closeServer, LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { emailsPerRecipient, emailsTo, endpoints, smsMessages, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import {
  decide,
  editDeps,
  makeCustomers,
  phoneSalt,
  sendAlarm,
  startScenario,
  teamActions,
  waitForState,
  waitForStatus,
  type Scenario,
} from '../support/scenario.js';

/**
 * Fallback on one twin, from SES's mailbox simulator as AWS documents it: customers at the bounce,
 * complaint, suppression-list and success addresses (with a +label each) beside ordinary ones. Every
 * third chose SMS too, every third other has a phone but chose email only, the rest have no phone.
 * After approval: each customer whose email bounced and who has a phone gets the notice by SMS exactly
 * once, and those no channel reaches are on the call list (console, CLI, final report).
 */
const prefix = uniquePrefix('fbk');
const config = testConfig(prefix, { audienceChunkSize: 100 });
const bucket = `fallback-${prefix}`;
const COUNT = 40;
const SIMULATOR = ['bounce', 'complaint', 'suppressionlist', 'success'] as const;
const kindOf = (i: number) => SIMULATOR[i % 10] ?? 'ordinary';
const customers = makeCustomers(bucket, bucket, COUNT).map((c, i) => {
  const kind = kindOf(i);
  const email = kind === 'ordinary' ? c.profile.email : `${kind}+${prefix}-${i}@simulator.amazonses.com`;
  // Email only, but a phone in the directory: the channel a bounce falls back to.
  const phone = i % 3 === 1 ? `+4478${phoneSalt(prefix)}${String(i).padStart(5, '0')}` : c.profile.phone;
  return { ...c, profile: { ...c.profile, email, phone } };
});
const idOf = (i: number) => customers[i]!.profile.customerId;
const bounced = customers.flatMap((_, i) => (kindOf(i) === 'bounce' || kindOf(i) === 'suppressionlist' ? [i] : []));
const choseSms = (i: number) => customers[i]!.profile.channels.includes('sms');
const fallbacks = bounced.filter((i) => !choseSms(i) && customers[i]!.profile.phone);
const unreachableIds = bounced
  .filter((i) => !customers[i]!.profile.phone)
  .map(idOf)
  .sort();
const ref = (incidentId: string) => ({ incidentId, noticeId: 'first-notice-1' });

let s: Scenario;
let evidence: EvidenceStore;
let consoleServer: Server;
let consoleUrl: string;

beforeAll(async () => {
  s = await startScenario(prefix, config);
  await s.customers.putCustomers(customers);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }));
  evidence = new EvidenceStore(doc, s.system.tables.deliveries, systemClock);
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
    reputation: { evidence, resume: async () => ({ outcome: 'not-paused' }) as never },
    unreachable: { evidence, ledger: s.ledger },
  });
  consoleServer = createServer((req, res) => void handle(req, res).then((handled) => handled || res.writeHead(404).end()));
  await new Promise<void>((resolve) => consoleServer.listen(0, '127.0.0.1', resolve));
  consoleUrl = `http://127.0.0.1:${(consoleServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await s?.system.stop();
  if (consoleServer) await closeServer(consoleServer);
});

/** SMS per phone number of this file's customers only: the SNS recorder is shared with other files. */
async function smsPerCustomer(): Promise<Map<number, number>> {
  const byNumber = await smsMessages();
  return new Map(customers.flatMap((c, i) => (c.profile.phone ? [[i, byNumber[c.profile.phone]?.length ?? 0] as const] : [])));
}

describe('fallback to the next channel, and the call list', () => {
  it('a bounced customer with a phone gets the SMS exactly once; those no channel reaches are on the call list (console, CLI, final report)', async () => {
    // Act: the first notice, approved; the workflow waits for the evidence, then falls back.
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await decide(s, config.approverEmails[0]!, 'approve');
    await waitForState(s, incidentId, 'Wait for update approval');

    // Assess: settled on the timeline before the workflow moved on, with the fallback counted.
    const timeline = await s.incidents.listTimeline(incidentId);
    expect(timeline.find((e) => e.action === 'fallback-sending')?.detail).toMatchObject({
      noticeId: 'first-notice-1',
      customers: fallbacks.length,
      planned: fallbacks.length,
      byChannel: { sms: fallbacks.length },
    });
    expect(timeline.find((e) => e.action === 'delivery-settled')?.detail).toMatchObject({
      noticeId: 'first-notice-1',
      fellBack: true,
      unreachable: unreachableIds.length,
    });
    // Every customer one email; one SMS for those who chose it and for each bounced one with a phone, none for the others.
    const mailbox = await emailsPerRecipient('');
    for (const c of customers) expect(mailbox.get(c.profile.email!), c.profile.email).toBe(1);
    const sms = await smsPerCustomer();
    for (const [i, n] of sms) expect(n, `${idOf(i)} (${kindOf(i)}, chose SMS ${choseSms(i)})`).toBe(choseSms(i) || fallbacks.includes(i) ? 1 : 0);
    // The ledger: the fallback is an SMS outcome, SENT, planned as a fallback of the customer's own chunk.
    for (const i of fallbacks) {
      const outcome = (await s.ledger.outcomesForCustomer(idOf(i))).find((o) => o.incidentId === incidentId && o.channel === 'sms');
      expect(outcome, idOf(i)).toMatchObject({ status: 'SENT', batchKey: expect.stringMatching(/^c\d{6}#fb1#/) });
    }
    // Who no channel reached: the bounced ones without a phone.
    const unreachable = await unreachableCustomers(ref(incidentId), { evidence, ledger: s.ledger });
    expect(unreachable.map((u) => u.customerId)).toEqual(unreachableIds);
    // The team was paged with the count.
    const page = await until(
      async () =>
        (await topicMessages(s.system.responseTeamTopicArn)).find((m) => m.message.includes(incidentId) && m.subject?.includes('reached on no channel')),
      'the call-list page',
    );
    expect(page.subject).toContain(`${unreachableIds.length} customers`);
    // The rates, as SES reported them.
    const counts = await evidence.counts(ref(incidentId), 'email');
    expect(counts).toMatchObject({ Send: COUNT, Delivery: 32, BouncePermanent: 8, Complaint: 4 });
    expect(reputationOf(counts)).toEqual({ bounceRate: 8 / 40, complaintRate: 4 / 32 });

    // The console: the call list and the rates.
    const html = await (await fetch(`${consoleUrl}/incidents/${incidentId}`)).text();
    const callList = html.slice(html.indexOf('id="call-list"'));
    for (const id of unreachableIds) expect(callList).toContain(id);
    for (const i of fallbacks) expect(callList).not.toContain(idOf(i));
    expect(html).toContain('<td>20.00%</td><td>12.50%</td>');
    // The CLI: the same list.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/tools/incident.ts', 'deliveries', incidentId], {
      env: { ...process.env, AWS_ENDPOINT_URL: endpoints().dynamodb, INCIDENTS_TABLE: s.system.tables.incidents, DELIVERIES_TABLE: s.system.tables.deliveries },
    });
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { noticeId: string; unreachableCustomers?: { customerId: string }[] });
    expect(lines.find((l) => l.unreachableCustomers)?.unreachableCustomers?.map((u) => u.customerId)).toEqual(unreachableIds);

    // The final report, after the close: the call list, with the incident page as the last resort.
    await teamActions(s).close({ incidentId, author: 'operator@example.com' });
    await decide(s, config.approverEmails[0]!, 'approve', 3);
    expect(await waitForStatus(s, incidentId, ['SUCCEEDED', 'FAILED'])).toBe('SUCCEEDED');
    const report = await until(async () => (await emailsTo(config.approverEmails[0]!)).find((m) => m.subject.startsWith('Final report')), 'the final report');
    const line = report.body.text!.split('\n').find((l) => l.startsWith('- first-notice-1: ') && l.includes('reached on no channel'));
    expect(line).toContain('public incident page is the last resort');
    for (const id of unreachableIds) expect(line).toContain(id);
    // The closing notice fell back the same way: one more SMS each, never two.
    const after = await smsPerCustomer();
    for (const i of fallbacks) expect(after.get(i), idOf(i)).toBe(2);
    console.info(
      `fallback scenario: ${COUNT} customers; first notice: delivered ${counts.Delivery}, bounced ${counts.BouncePermanent}, complained ${counts.Complaint}, fallbacks ${fallbacks.length} (SMS), unreachable ${unreachableIds.length}; bounce rate ${(8 / 40) * 100}%, complaint rate ${(4 / 32) * 100}%`,
    );
  });
});
