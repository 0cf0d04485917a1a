import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { keys } from '../../functions/adapters/keys.js';
import { appConfigSchema, type AppConfig } from '../../infra/config.js';
import { linkAndCode } from '../../local/tools/approval-client.js';

export const endpoints = () => inject('endpoints');

/** A unique prefix per test file keeps tables, topics and mailboxes apart on the shared emulators. */
export function uniquePrefix(label: string): string {
  return `t${randomUUID().slice(0, 8)}-${label}`;
}

export function testConfig(prefix: string, overrides: Partial<Record<keyof AppConfig, unknown>> = {}): AppConfig {
  return appConfigSchema.parse({
    senderAddress: 'security-notices@example.com',
    approverEmails: [`approver-1.${prefix}@example.com`],
    backupApproverEmails: [`backup-1.${prefix}@example.com`],
    companyName: 'Example Co.',
    companyContact: 'security-help@example.com',
    incidentPageUrl: 'https://status.example.com/security',
    ...overrides,
  });
}

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

export async function sesEmails(filter: (e: StoredEmail) => boolean = () => true): Promise<StoredEmail[]> {
  const res = await fetch(`${endpoints().ses}/store`);
  const { emails } = (await res.json()) as { emails: StoredEmail[] };
  return emails.filter(filter);
}

export const emailsTo = (address: string) => sesEmails((e) => e.destination.to.includes(address));

/** How many emails the emulator holds per recipient whose address ends with `suffix`. */
export async function emailsPerRecipient(suffix: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const m of await sesEmails((e) => e.destination.to[0]!.endsWith(suffix))) counts.set(m.destination.to[0]!, (counts.get(m.destination.to[0]!) ?? 0) + 1);
  return counts;
}

export interface SnsMessage {
  messageId: string;
  topicArn?: string;
  phoneNumber?: string;
  subject?: string;
  message: string;
}

/** SMS by number; with `phoneNumber`, that number's alone (filtered by the recorder). */
export async function smsMessages(phoneNumber?: string): Promise<Record<string, SnsMessage[]>> {
  const res = await fetch(`${endpoints().sns}/_aws/sns/sms-messages${phoneNumber ? `?phoneNumber=${encodeURIComponent(phoneNumber)}` : ''}`);
  return ((await res.json()) as { sms_messages: Record<string, SnsMessage[]> }).sms_messages;
}

export async function topicMessages(topicArn: string): Promise<SnsMessage[]> {
  const res = await fetch(`${endpoints().sns}/_aws/sns/topic-messages?topicArn=${encodeURIComponent(topicArn)}`);
  return ((await res.json()) as { topic_messages: Record<string, SnsMessage[]> }).topic_messages[topicArn] ?? [];
}

/**
 * The link id and code from the `nth` approval email sent to `approver` (waits for it; default: the
 * newest); with `incidentId`, among that incident's only, so another incident's later email cannot be taken.
 */
export async function approvalFor(approver: string, nth?: number, incidentId?: string): Promise<{ linkId: string; code: string }> {
  const mails = await until(
    async () => {
      const all = (await emailsTo(approver))
        .filter((m) => /^(\[[^\]]+\] )?\[Approval needed/.test(m.subject) && (!incidentId || m.subject.includes(incidentId)))
        .sort((a, b) => a.at - b.at);
      return all.length >= (nth ?? 1) ? all : undefined;
    },
    `approval email ${nth ?? 1} to ${approver}`,
  );
  const { path, code } = linkAndCode((nth ? mails[nth - 1] : mails.at(-1))?.body.text ?? '');
  return { linkId: path.slice('/approvals/'.length), code };
}

export async function approvalLinkFor(approver: string, nth?: number): Promise<string> {
  return (await approvalFor(approver, nth)).linkId;
}

export async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The incident's own item, bare: what the facts, scope and approval stores check and write (adapters/standing.ts). */
export async function putIncidentItem(doc: DynamoDBDocumentClient, table: string, incidentId: string): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: { ...keys.incident(incidentId), type: 'incident', incidentId, findingKey: `test:${incidentId}`, status: 'OPEN' },
    }),
  );
}
