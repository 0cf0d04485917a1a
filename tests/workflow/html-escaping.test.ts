import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { approvalFor, emailsTo, sesEmails, testConfig, uniquePrefix, until } from '../support/local.js';
import { decide, sendAlarm, startScenario, teamActions, waitForState, waitForStatus, writeFacts, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('html');
const config = testConfig(prefix);
const approver = config.approverEmails[0]!;
const bucket = `customer-data-${prefix}`;
const address = `hostile.${prefix}@example.com`;
const name = '<b>Ann</b> & "Co" <script>';
const note = '<img src=x onerror=alert(1)> keys rotated & "locked".';
const reason = '<a href="https://evil.example">wording</a> & tone';
const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
let s: Scenario;

beforeAll(async () => {
  s = await startScenario(prefix, config);
  await s.customers.putCustomers([
    {
      profile: { customerId: `cust-${prefix}-1`, name, email: address, locale: 'en-GB', country: 'GB', channels: ['email'] },
      resources: [{ resource: bucket, dataCategories: ['email', 'password'] }],
    },
  ]);
});

afterAll(async () => {
  await s?.system.stop();
});

describe('values in emails, on the twin (DynamoDB Local + the SES emulator, which does not escape)', () => {
  it('a hostile customer name, measure written by the team and rejection reason are escaped in the HTML part and plain in the text part', async () => {
    // Prepare: an incident whose facts the team writes (a hostile measure) while the first notice awaits approval.
    const intake = await sendAlarm(s, guardDutyFinding({ bucket }));
    const incidentId = intake.incidents![0]!.incidentId;
    await waitForState(s, incidentId, 'Wait for approval');
    await approvalFor(approver, 1);
    await writeFacts(s, incidentId, { en: { measures: [note], advice: [], remedies: [] }, 'zh-CN': { measures: ['已轮换密钥'], advice: [], remedies: [] } });

    // Act: approve the redrafted first notice and the first update; reject the next update with a reason; close; approve the closing notice.
    await decide(s, approver, 'approve', 2);
    await decide(s, approver, 'approve', 3);
    expect((await decide(s, approver, 'reject', 4, reason)).statusCode).toBe(200);
    await waitForState(s, incidentId, 'Wait for update redraft');
    await teamActions(s).close({ incidentId, author: 'operator@example.com' });
    await decide(s, approver, 'approve', 5);
    expect(await waitForStatus(s, incidentId, ['SUCCEEDED', 'FAILED'])).toBe('SUCCEEDED');

    // Assess: the customer's three emails.
    const mails = await sesEmails((e) => e.destination.to[0] === address);
    expect(mails.map((m) => m.subject.split(' ')[0]).sort()).toEqual(['Important:', 'The', 'Update']);
    for (const m of mails) {
      expect(m.body.html).toContain(`Dear ${esc(name)},`);
      expect(m.body.html).not.toMatch(/<b>|<script|<img|<a /);
      expect(m.body.text).toContain(`Dear ${name},`);
      expect(m.body.text).not.toContain('&amp;');
    }
    const first = mails.find((m) => m.subject.startsWith('Important'))!;
    expect(first.body.html).toContain(`<li>${esc(note)}</li>`);
    expect(first.body.text).toContain(`- ${note}`);

    // The final report: the rejection reason, escaped in HTML, plain in text.
    const [report] = await until(async () => {
      const r = (await emailsTo(approver)).filter((m) => m.subject.startsWith('Final report'));
      return r.length > 0 ? r : undefined;
    }, 'final report');
    expect(report!.body.html).toContain(`(${esc(reason)})`);
    expect(report!.body.html).not.toMatch(/<a /);
    expect(report!.body.text).toContain(`(${reason})`);
  });
});
