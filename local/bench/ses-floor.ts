import type { AddressInfo } from 'node:net';
import { GetEmailTemplateCommand, SendBulkEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SnsRecorder } from '../emulators/sns-recorder.js';
import Handlebars from 'handlebars';

const SENTENCE = 'This sentence stands in for a paragraph of the notice, about as long as one is.';

/** Data for every variable the template reads: a sentence per value, three per list. */
function sampleData(source: string): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const set = (path: string, value: unknown) => {
    const keys = path.split('.');
    let at = data;
    for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    at[keys.at(-1)!] ??= value;
  };
  const visit = (node: hbs.AST.Node): void => {
    if (node.type === 'Program') for (const statement of (node as hbs.AST.Program).body) visit(statement);
    if (node.type === 'MustacheStatement') {
      const path = (node as hbs.AST.MustacheStatement).path as hbs.AST.PathExpression;
      if (path.original !== 'this') set(path.original, SENTENCE);
    }
    if (node.type === 'BlockStatement') {
      const block = node as hbs.AST.BlockStatement;
      const list = block.params[0] as hbs.AST.PathExpression | undefined;
      if (list) set(list.original, [SENTENCE, SENTENCE, SENTENCE]);
      visit(block.program);
      if (block.inverse) visit(block.inverse);
    }
  };
  visit(Handlebars.parse(source));
  return data;
}

/**
 * The SES emulator's own time for `n` recipients: raw SendBulkEmail calls of 50 straight to it,
 * `concurrency` in flight, with a stored notice template and data of a notice's size (each recipient
 * replacing the top-level texts, as the notices' personal fields do). The floor the twin is measured against.
 */
export async function sesFloor(sesUrl: string, templateName: string, n: number, concurrency: number): Promise<number> {
  const ses = new SESv2Client({ endpoint: sesUrl, region: 'us-east-1', credentials: { accessKeyId: 'floor', secretAccessKey: 'floor' }, maxAttempts: 1 });
  const { TemplateContent } = await ses.send(new GetEmailTemplateCommand({ TemplateName: templateName }));
  const data = sampleData(`${TemplateContent?.Subject ?? ''}${TemplateContent?.Html ?? ''}${TemplateContent?.Text ?? ''}`);
  const personal = Object.entries(data).filter(([, v]) => typeof v === 'string');
  const calls = Math.ceil(n / 50);
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      for (let call = next++; call < calls; call = next++) {
        const first = call * 50;
        const { BulkEmailEntryResults = [] } = await ses.send(
          new SendBulkEmailCommand({
            FromEmailAddress: '"Floor" <floor@example.com>',
            DefaultContent: { Template: { TemplateName: templateName, TemplateData: JSON.stringify(data) } },
            BulkEmailEntries: Array.from({ length: Math.min(50, n - first) }, (_, k) => ({
              Destination: { ToAddresses: [`floor-${first + k}@floor.example.com`] },
              ReplacementEmailContent: {
                ReplacementTemplate: {
                  ReplacementTemplateData: JSON.stringify(Object.fromEntries(personal.map(([key]) => [key, `${SENTENCE} ${first + k}`]))),
                },
              },
            })),
          }),
        );
        failed += BulkEmailEntryResults.filter((r) => r.Status !== 'SUCCESS').length;
      }
    }),
  );
  const elapsed = performance.now() - started;
  ses.destroy();
  if (failed > 0) throw new Error(`The floor run had ${failed} refused entries: it measured errors, not sending`);
  return elapsed;
}

/** An SMS of the notices' size: one GSM-7 segment. */
const SMS_TEXT =
  'Example Co: a security incident on November 19 involved your information. We have emailed you the details. We never text links or ask for codes.';

/**
 * Raw SNS Publish calls, one per number as SMS are sent, `concurrency` in flight, against an SNS
 * recorder of its own (no delivery-status records, no functions behind it): the provider alone.
 */
export async function smsFloor(n: number, concurrency: number): Promise<number> {
  const server = await new SnsRecorder().listen(0);
  const sns = new SNSClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'floor', secretAccessKey: 'floor' },
    maxAttempts: 1,
  });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      for (let i = next++; i < n; i = next++)
        await sns.send(new PublishCommand({ PhoneNumber: `+1555${String(2_000_000 + i).padStart(7, '0')}`, Message: SMS_TEXT }));
    }),
  );
  const elapsed = performance.now() - started;
  sns.destroy();
  await new Promise((resolve) => server.close(resolve));
  return elapsed;
}

/**
 * The providers' floor for a run's work (issue 22): the emails as raw SendBulkEmail calls of 50 and the
 * SMS as raw Publish calls, both at once, at 4 and at 16 calls in flight per provider; the faster of the two.
 */
export async function providersFloor(sesUrl: string, templateName: string, emails: number, sms: number): Promise<{ ms: number; concurrency: number }> {
  let best = { ms: Number.POSITIVE_INFINITY, concurrency: 0 };
  for (const concurrency of [4, 16]) {
    const started = performance.now();
    await Promise.all([sesFloor(sesUrl, templateName, emails, concurrency), smsFloor(sms, concurrency)]);
    const ms = performance.now() - started;
    if (ms < best.ms) best = { ms, concurrency };
  }
  return best;
}
