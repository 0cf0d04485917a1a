import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { approvalFor, emailsTo, sesEmails, smsMessages, testConfig, uniquePrefix, until } from '../support/local.js';
import { makeCustomers, phoneSalt, sendAlarm, startScenario, submit, waitForState, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('smsc');
const approver = `a1.${prefix}@example.com`;
const backup = `b1.${prefix}@example.com`;
const approverPhone = `+4479${phoneSalt(prefix)}00001`;
const config = testConfig(prefix, {
  approverEmails: [approver],
  backupApproverEmails: [backup],
  approvalCodeChannel: 'sms',
  approverPhones: [`${approver}=${approverPhone}`, `${backup}=+4479${phoneSalt(prefix)}00002`],
});
let s: Scenario;

beforeAll(async () => {
  s = await startScenario(prefix, config);
});
afterAll(async () => {
  await s?.system.stop();
});

describe('the one-time code by SMS (approvalCodeChannel sms)', () => {
  it('the email carries the link but no code; the code comes by SMS and decides', async () => {
    const bucket = `sms-${prefix}`;
    await s.customers.putCustomers(makeCustomers(bucket, bucket, 2));
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await waitForState(s, incidentId, 'Wait for approval');
    const { linkId, code: codeInEmail } = await approvalFor(approver);
    expect(codeInEmail).toBe('');
    expect((await emailsTo(approver))[0]!.body.text).toContain('we send to your phone by SMS');
    const sms = await until(async () => (await smsMessages())[approverPhone]?.[0], 'the code by SMS');
    const code = /code for incident \S+: (\d{6})\./.exec(sms.message)![1]!;
    expect(sms.message).not.toContain(linkId);

    expect((await submit(s, linkId, { decision: 'approve', code: code === '000000' ? '111111' : '000000' })).out.statusCode).toBe(403);
    expect((await submit(s, linkId, { decision: 'approve', code })).out.statusCode).toBe(200);
    await waitForState(s, incidentId, 'Wait for update approval');
    expect(await sesEmails((e) => e.destination.to[0]!.endsWith(`.${bucket}@example.com`))).toHaveLength(2);
  });
});
