import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentStores } from '../../functions/adapters/stores.js';
import { StepFunctionsCallbacks } from '../../functions/adapters/workflow.js';
import type { Notice } from '../../functions/domain/incident.js';
import { promiseRecords } from '../../functions/domain/promises.js';
import { systemClock } from '../../functions/shared/clock.js';
import { closeIncidentNow } from '../../functions/steps/team-decisions.js';
import { appConfigSchema } from '../../infra/config.js';
import { decideByEmail } from '../../local/tools/approval-client.js';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import { until } from '../support/local.js';

/*
 * "Next update by" kept, on a running twin at 60 times real time: a scaled minute lasts a second, the
 * 1-hour cadence a minute. Approvers have 38 minutes and backup approvers 5, so updates are drafted
 * by default 58 minutes before they are due ((38 + 5) x 4/3), 15 of them kept for sending. Incident A:
 * the first notice approved after 30 minutes, each update after 20: every update reaches customers
 * before the time the previous notice promised. Incident B, at the same time: its update is never
 * approved; the approvers are escalated before the promise, the team is paged at it, and the final
 * report lists it as missed. Times are asserted with margins of many scaled minutes: the machine may be loaded.
 */
const SCALE = 60;
/** Real milliseconds of `m` scaled minutes. */
const minutes = (m: number) => (m * 60_000) / SCALE;
const APPROVER = 'approver@example.com';
const credentials = { accessKeyId: 'e2e', secretAccessKey: 'e2e' };

let twin: Twin;
let stores: ReturnType<typeof incidentStores>;
let events: EventBridgeClient;

interface Mail {
  Destination: { ToAddresses: string[] };
  Subject: string;
  Body: { text_part: string | null };
}
const mails = async () => ((await (await fetch(`${twin.edgeUrl}/_aws/ses`)).json()) as { messages: Mail[] }).messages;
const teamPages = async () => {
  const topic = twin.system.responseTeamTopicArn;
  const res = await fetch(`${twin.edgeUrl}/_aws/sns/topic-messages?topicArn=${encodeURIComponent(topic)}`);
  return ((await res.json()) as { topic_messages: Record<string, { subject?: string; message: string }[]> }).topic_messages[topic] ?? [];
};
const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

/** The approval email whose subject matches, to `to`, of the incident, waited for; with the time it was first seen. */
async function approvalMail(incidentId: string, subject: RegExp, to = APPROVER, timeoutMs = minutes(90)): Promise<{ mail: Mail; seenAt: number }> {
  const mail = await until(
    async () =>
      (await mails()).find(
        (m) => m.Destination.ToAddresses.includes(to) && m.Subject.startsWith('[Approval needed') && m.Subject.includes(incidentId) && subject.test(m.Subject),
      ),
    `${subject} for ${incidentId}`,
    timeoutMs,
  );
  return { mail, seenAt: Date.now() };
}

async function approve(mail: Mail): Promise<void> {
  expect((await decideByEmail(twin.edgeUrl, mail.Body.text_part ?? '', 'approve')).status).toBe(200);
}

const notice = (incidentId: string, noticeId: string) => stores.notices.getNotice(incidentId, noticeId);
const sent = (incidentId: string, noticeId: string, timeoutMs = minutes(30)) =>
  until(
    async () => {
      const n = await notice(incidentId, noticeId).catch(() => undefined);
      return n?.status === 'SENT' ? n : undefined;
    },
    `${noticeId} of ${incidentId} sent`,
    timeoutMs,
  );

async function openIncident(reportId: string): Promise<string> {
  const before = new Set(twin.system.workflow.executions.keys());
  const detail = JSON.stringify({ reportId, title: `Promise test ${reportId}`, severity: 'HIGH', resources: ['customer-data'] });
  await events.send(new PutEventsCommand({ Entries: [{ Source: 'breach-notice.manual', DetailType: 'Security Incident Reported', Detail: detail }] }));
  return until(async () => [...twin.system.workflow.executions.values()].find((e) => !before.has(e.executionArn))?.name, `the execution of ${reportId}`);
}

async function close(incidentId: string): Promise<void> {
  const workflow = new StepFunctionsCallbacks(new SFNClient({ endpoint: twin.system.sfnUrl, region: 'us-east-1', credentials }));
  await closeIncidentNow({ incidentId, author: 'lead@example.com', reason: 'contained' }, { ...stores, workflow, alertTeam: async () => undefined });
}

async function closeAndReport(incidentId: string): Promise<string> {
  await close(incidentId);
  await approve((await approvalMail(incidentId, /Closing customer notice/)).mail);
  const report = await until(
    async () => (await mails()).find((m) => m.Destination.ToAddresses.includes(APPROVER) && m.Subject.startsWith(`Final report: incident ${incidentId}`)),
    `the final report of ${incidentId}`,
    minutes(30),
  );
  return report.Body.text_part ?? '';
}

beforeAll(async () => {
  const config = appConfigSchema.parse({
    senderAddress: 'security-notices@example.com',
    approverEmails: APPROVER,
    backupApproverEmails: 'backup-approver@example.com',
    companyName: 'Example Co.',
    companyContact: 'security-help@example.com',
    updateCadenceHours: 1,
    approvalTimeoutMinutes: 38,
    escalationTimeoutMinutes: 5,
  });
  twin = await startTwin({ port: 0, customers: 20, timeScale: SCALE, config });
  events = new EventBridgeClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials }));
  stores = incidentStores(doc, twin.system.tables.incidents, systemClock);
}, 120_000);

afterAll(async () => {
  await twin?.stop();
});

/** Incident A: the first notice approved after 30 minutes, updates 1 and 2 each after 20. */
async function keptPromises(
  incidentId: string,
): Promise<{ incidentId: string; updates: { noticeId: string; promisedBy: string; sentAt: string }[]; report: string }> {
  const first = await approvalMail(incidentId, /First customer notice/);
  await sleepUntil(first.seenAt + minutes(30));
  await approve(first.mail);
  let previous = await sent(incidentId, 'first-notice-1');
  const updates: { noticeId: string; promisedBy: string; sentAt: string }[] = [];
  for (const n of [1, 2]) {
    const asked = await approvalMail(incidentId, new RegExp(`Customer update ${n} for`));
    await sleepUntil(asked.seenAt + minutes(20));
    await approve(asked.mail);
    const update = await sent(incidentId, `update-${n + 1}`);
    updates.push({ noticeId: update.noticeId, promisedBy: previous.promisedNextUpdateAt, sentAt: update.sentAt! });
    expect(Date.parse(update.sentAt!), `${update.noticeId} reached customers by ${previous.promisedNextUpdateAt}`).toBeLessThan(
      Date.parse(previous.promisedNextUpdateAt),
    );
    previous = update;
  }
  return { incidentId, updates, report: await closeAndReport(incidentId) };
}

/** Incident B: the first notice approved after 30 minutes; update 1 never approved. */
async function missedPromise(incidentId: string): Promise<{ incidentId: string; promisedBy: string; escalatedAt: number; pagedAt: number; report: string }> {
  const first = await approvalMail(incidentId, /First customer notice/);
  await sleepUntil(first.seenAt + minutes(30));
  await approve(first.mail);
  const promisedBy = (await sent(incidentId, 'first-notice-1')).promisedNextUpdateAt;
  const escalated = await approvalMail(incidentId, /escalated\] Customer update 1 for/, 'backup-approver@example.com', minutes(150));
  const missed = await until(
    async () => (await teamPages()).find((p) => p.subject === `[MISSED] Update promised by ${promisedBy} not sent (${incidentId})`),
    'the page at the promised time',
    minutes(120),
  );
  const pagedAt = Date.now();
  expect(missed.message).toContain(`first-notice-1 told customers the next update would come by ${promisedBy}`);
  return { incidentId, promisedBy, escalatedAt: escalated.seenAt, pagedAt, report: await closeAndReport(incidentId) };
}

describe('"next update by" on the twin, 1-hour cadence at x60', () => {
  it('every update approved in 20 minutes reaches customers before the previous promise; one left unapproved pages the team at it and is reported missed', async () => {
    // Act: both incidents at once
    const a = await openIncident('promise-kept');
    const b = await openIncident('promise-missed');
    const [kept, missed] = await Promise.all([keptPromises(a), missedPromise(b)]);

    // Measured: each promise, the notice that followed it and when (scaled minutes: seconds of real time).
    const scaledMinutes = (ms: number) => Math.round((ms / minutes(1)) * 10) / 10;
    for (const incidentId of [kept.incidentId, missed.incidentId]) {
      for (const r of promiseRecords(await stores.notices.listNotices(incidentId), new Date())) {
        const margin = r.next ? scaledMinutes(Date.parse(r.promisedBy) - Date.parse(r.next.sentAt)) : null;
        console.log(
          `${incidentId} ${r.noticeId} promised the next update by ${r.promisedBy}; ${r.next ? `${r.next.noticeId} sent ${r.next.sentAt}` : 'none sent'}: ${r.outcome.toUpperCase()}${margin === null ? '' : margin >= 0 ? `, ${margin} scaled min early` : `, ${-margin} scaled min late`}`,
        );
      }
    }

    // Assess: A's updates each went out well before the time the notice before promised (also checked as each went).
    expect(kept.updates.map((u) => Date.parse(u.promisedBy) - Date.parse(u.sentAt))).toEqual([expect.any(Number), expect.any(Number)]);
    for (const u of kept.updates) expect(Date.parse(u.promisedBy) - Date.parse(u.sentAt)).toBeGreaterThan(minutes(10));
    const timelineA = await stores.incidents.listTimeline(kept.incidentId);
    expect(timelineA.filter((e) => e.action === 'promise-kept').map((e) => e.detail?.by)).toEqual(
      expect.arrayContaining(['update-2', 'update-3', 'closing-4']),
    );
    expect(timelineA.some((e) => e.action === 'promise-missed' || e.action === 'promise-fulfilled-late')).toBe(false);
    expect(kept.report).toContain(`first-notice-1 promised the next update by ${kept.updates[0]!.promisedBy}: KEPT, update-2 sent ${kept.updates[0]!.sentAt}`);
    expect(kept.report).toContain(`update-2 promised the next update by ${kept.updates[1]!.promisedBy}: KEPT, update-3 sent ${kept.updates[1]!.sentAt}`);
    expect(kept.report).not.toMatch(/promised the next update by [^\n]*MISSED/);

    // Assess: B's backup approvers were asked before the promise; the team was paged at it (not before), and the report says missed.
    const promisedAt = Date.parse(missed.promisedBy);
    console.log(
      `${missed.incidentId} update-2 (never approved): promised by ${missed.promisedBy}, escalated ${scaledMinutes(promisedAt - missed.escalatedAt)} scaled minutes before, team paged ${scaledMinutes(missed.pagedAt - promisedAt)} scaled minutes after`,
    );
    expect(missed.escalatedAt).toBeLessThan(promisedAt - minutes(10));
    expect(missed.pagedAt).toBeGreaterThanOrEqual(promisedAt);
    expect(missed.pagedAt).toBeLessThan(promisedAt + minutes(20));
    const timelineB = await stores.incidents.listTimeline(missed.incidentId);
    expect(timelineB.find((e) => e.action === 'promise-missed')).toMatchObject({
      actor: 'promise-clocks',
      detail: { noticeId: 'first-notice-1', promisedBy: missed.promisedBy },
    });
    expect(Date.parse(timelineB.find((e) => e.action === 'promise-missed')!.at)).toBeGreaterThanOrEqual(promisedAt);
    const closing = (await stores.notices.listNotices(missed.incidentId)).find((n: Notice) => n.kind === 'closing')!;
    expect(timelineB.find((e) => e.action === 'promise-fulfilled-late')?.detail).toMatchObject({ noticeId: 'first-notice-1', by: closing.noticeId });
    expect(missed.report).toMatch(
      new RegExp(`first-notice-1 promised the next update by ${missed.promisedBy}: MISSED, ${closing.noticeId} sent \\S+ \\(\\d+ min late\\)`),
    );

    // Assess: the console lists each promise with its outcome.
    const consolePage = await (await fetch(`${twin.edgeUrl}/incidents/${missed.incidentId}`)).text();
    expect(consolePage).toContain('<h2 id="promises">Promised updates</h2>');
    expect(consolePage).toMatch(/<td>first-notice-1<\/td><td>[^<]+<\/td><td>closing-\d at [^<]+<\/td><td class="gaps">MISSED by \d+ s<\/td>/);
  }, 360_000);
});
