import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FactsByLocale } from '../../functions/domain/facts.js';
import { editFacts, type EditDeps } from '../../functions/steps/edit-facts.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { approvalFor, emailsTo, sesEmails, testConfig, uniquePrefix, until } from '../support/local.js';
import { editDeps, executionArnOf, makeCustomers, sendAlarm, startScenario, submit, waitForState, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('edit');
const config = testConfig(prefix);
const approver = config.approverEmails[0]!;
let s: Scenario;
let deps: EditDeps;

beforeAll(async () => {
  s = await startScenario(prefix, config);
  deps = editDeps(s);
});
afterAll(async () => {
  await s?.system.stop();
});

const v2: FactsByLocale = {
  en: { measures: ['We closed public access to the storage bucket.'], advice: [], remedies: [] },
  'zh-CN': { measures: ['我们已关闭该存储桶的公开访问。'], advice: [], remedies: [] },
};
const v3: FactsByLocale = {
  en: {
    cause: 'A storage bucket was made public by mistake during maintenance.',
    measures: ['We closed public access to the storage bucket.', 'We rotated every access key.'],
    advice: [],
    remedies: [],
  },
  'zh-CN': { cause: '维护期间一个存储桶被误设为公开。', measures: ['我们已关闭该存储桶的公开访问。', '我们已轮换所有访问密钥。'], advice: [], remedies: [] },
};

const approvalMails = async () => (await emailsTo(approver)).filter((m) => m.subject.startsWith('[Approval needed')).sort((a, b) => a.at - b.at);

describe('the response team edits the facts while the notice waits for approval', () => {
  it('each edit takes the pending approval back and asks again with a diff; an approval of an older version is refused; customers get the approved version in their local time', async () => {
    const bucket = `edit-${prefix}`;
    const customers = makeCustomers(bucket, bucket, 6).map((c, i) => ({
      ...c,
      profile: { ...c.profile, timeZone: i % 2 === 1 ? 'Asia/Shanghai' : 'Europe/Berlin' },
    }));
    await s.customers.putCustomers(customers);
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await waitForState(s, incidentId, 'Wait for approval');
    await until(async () => (await approvalMails()).length === 1, 'first approval email');

    // Edit 1 -> the notice is redrafted as version 2 and asked again; the email shows what changed.
    const first = await editFacts({ incidentId, author: 'lead@example.com', locales: v2, expectedVersion: 0 }, deps);
    expect(first).toMatchObject({ version: 1, supersededRequests: 1, deliveredNow: 1, gaps: [] });
    const second = await until(async () => (await approvalMails())[1], 'approval email for version 2');
    expect(second.body.text).toContain('+ We closed public access to the storage bucket.');
    expect(second.body.text).toContain('+ 我们已关闭该存储桶的公开访问。');
    const linkV2 = await approvalFor(approver, 2);
    const stale = await approvalFor(approver, 1);

    // The approver opens version 2; meanwhile edit 2 is saved.
    const edited = await editFacts({ incidentId, author: 'lead@example.com', locales: v3, expectedVersion: 1 }, deps);
    expect(edited).toMatchObject({ version: 2, supersededRequests: 1 });
    // Approving version 2 (or the very first link) now decides nothing.
    for (const link of [linkV2, stale]) {
      const { out } = await submit(s, link.linkId, { decision: 'approve', code: link.code, reason: '' });
      expect(out.statusCode).toBe(410);
      expect(out.body).toContain('changed');
    }
    await until(async () => (await approvalMails()).length === 3, 'approval email for version 3');
    const notice = await s.notices.getNotice(incidentId, 'first-notice-1');
    expect(notice).toMatchObject({ version: 3, factsVersion: 2, status: 'PENDING_APPROVAL' });

    // An editor working from version 1 cannot overwrite version 2.
    await expect(editFacts({ incidentId, author: 'other@example.com', locales: v2, expectedVersion: 1 }, deps)).rejects.toMatchObject({
      name: 'FactsVersionConflictError',
    });

    const linkV3 = await approvalFor(approver, 3);
    const { out } = await submit(s, linkV3.linkId, { decision: 'approve', code: linkV3.code, reason: '' });
    expect(out.statusCode).toBe(200);
    await waitForState(s, incidentId, 'Wait for update approval');

    const received = await sesEmails((e) => e.destination.to[0]!.endsWith(`.${bucket}@example.com`));
    expect(received).toHaveLength(6);
    for (const mail of received) {
      const zh = customers.find((c) => c.profile.email === mail.destination.to[0])!.profile.locale === 'zh-CN';
      expect(mail.body.text).toContain(zh ? '我们已轮换所有访问密钥。' : 'We rotated every access key.');
      expect(mail.body.text).toContain(zh ? '维护期间一个存储桶被误设为公开。' : 'made public by mistake');
      // Berlin keeps Central European Time in November; Chinese readers in Shanghai read 北京时间.
      expect(mail.body.text).toContain(zh ? '（北京时间）' : ' CET');
      expect(mail.body.text).not.toMatch(/\bUTC\b(?![+-])/);
    }
    const approved = await s.notices.getNotice(incidentId, 'first-notice-1');
    expect(approved.approvedHash).toBe(approved.contentHash);
    const timeline = await s.incidents.listTimeline(incidentId);
    expect(timeline.filter((e) => e.action === 'facts-edited').map((e) => e.detail?.version)).toEqual([1, 2]);
    expect(timeline.filter((e) => e.action === 'approval-superseded-by-edit')).toHaveLength(2);
    expect(timeline.filter((e) => e.action === 'notice-drafted' && e.detail?.noticeId === 'first-notice-1').map((e) => e.detail?.version)).toEqual([1, 2, 3]);
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();
  });
});
