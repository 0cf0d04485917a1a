import { Readable } from 'node:stream';
import { CreateEmailTemplateCommand, GetEmailTemplateCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../functions/adapters/email-sender.js';
import type { ChannelRecipient } from '../../functions/domain/channels/channel.js';
import { emailChannel, SES_MAX_BULK_ENTRIES } from '../../functions/domain/channels/email.js';
import { allEmailTemplates, templateName } from '../../functions/domain/email-templates.js';
import type { NoticeFacts } from '../../functions/domain/facts.js';
import type { Notice } from '../../functions/domain/incident.js';
import { supportedLocales, type Locale } from '../../functions/domain/locales.js';
import { dataCategories } from '../../functions/domain/locales/catalogue.js';
import { draftNotice, type NoticeKind } from '../../functions/domain/notice.js';
import { DEFAULT_REMEDY_RULES, remedyRulesProblem, remedyRulesSchema, type RemedyRule } from '../../functions/domain/remedies.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { emailsTo, endpoints, uniquePrefix } from '../support/local.js';
import { noticeRecord } from '../support/notices.js';

/**
 * AWS documents a bulk call's default template data only as the fallback for an entry whose own data
 * is empty, never as merged into it; the twin's emulator merges them key by key, which would hide an
 * entry that leaves out what its email needs. So these read the request the adapter puts on the wire
 * and hold each entry's data alone against the stored template.
 */

const prefix = uniquePrefix('btd');
const incidentId = 'inc-20261120-0123456789ab';
const firstSeenAt = '2026-11-20T03:12:00Z';
const kinds: NoticeKind[] = ['first-notice', 'update', 'closing'];
const company = {
  name: 'Acme Bank',
  contact: 'help@acme.example',
  incidentPageUrl: 'https://status.acme.example/incident',
  supportHotline: '+44 20 7946 0000',
};
/** Documented maximum of `ReplacementTemplateData` and `TemplateData`: https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_ReplacementTemplate.html */
const SES_TEMPLATE_DATA_MAX = 262_144;
/** The twin's SES emulator reads request bodies up to 25 MB (express.json's `limit: '25mb'`). */
const TWIN_BODY_LIMIT = 25 * 1024 * 1024;

interface BulkRequest {
  DefaultContent: { Template: { TemplateName: string; TemplateData: string } };
  BulkEmailEntries: { Destination: { ToAddresses: string[] }; ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: string } } }[];
}

/** The SDK's HTTP request and response, as much of them as these tests touch. */
interface HttpRequest {
  path: string;
  body?: unknown;
}
interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

/** The JSON the SDK serialized: a string, or its UTF-8 bytes. */
const bodyText = (body: unknown) => (typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array));

/** A client whose SendBulkEmail request bodies are kept as they go on the wire; with `handler`, answered by it instead of the twin. */
function recordingClient(handler?: (request: HttpRequest) => Promise<{ response: HttpResponse }>) {
  const bodies: string[] = [];
  const ses = new SESv2Client({
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    endpoint: endpoints().ses,
    maxAttempts: 1,
    ...(handler ? { requestHandler: { handle: handler } } : {}),
  });
  ses.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as HttpRequest;
      if (request.path.endsWith('/outbound-bulk-emails')) bodies.push(bodyText(request.body));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordBulkRequests' },
  );
  return { ses, requests: () => bodies.map((b) => ({ bytes: Buffer.byteLength(b), body: JSON.parse(b) as BulkRequest })) };
}

/** Every data path a template reads, in mustaches and as block parameters (`this` inside a block aside). */
function pathsIn(template: string): string[] {
  const paths = new Set<string>();
  const visit = (node: hbs.AST.Node): void => {
    if (node.type === 'Program') for (const statement of (node as hbs.AST.Program).body) visit(statement);
    if (node.type === 'MustacheStatement' || node.type === 'BlockStatement') {
      const s = node as hbs.AST.MustacheStatement | hbs.AST.BlockStatement;
      // With parameters the path names a helper (`if`, `each`); without, it is the variable itself.
      for (const expression of s.params.length > 0 ? s.params : [s.path]) {
        if (expression.type === 'PathExpression' && (expression as hbs.AST.PathExpression).original !== 'this')
          paths.add((expression as hbs.AST.PathExpression).original);
      }
      if (node.type === 'BlockStatement')
        for (const program of [(s as hbs.AST.BlockStatement).program, (s as hbs.AST.BlockStatement).inverse]) if (program) visit(program);
    }
  };
  visit(Handlebars.parse(template));
  return [...paths];
}

const lookup = (data: unknown, path: string) =>
  path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), data);

/** What `data` alone renders from `template`: throws on any variable the template reads that `data` lacks. */
function renderAlone(template: { Subject: string; Html: string; Text: string }, data: Record<string, unknown>) {
  const missing = [template.Subject, template.Html, template.Text].flatMap(pathsIn).filter((p) => lookup(data, p) === undefined);
  if (missing.length > 0) throw new Error(`the data alone lacks ${[...new Set(missing)].join(', ')}`);
  const render = (source: string) => Handlebars.create().compile(source, { strict: true, noEscape: true })(data);
  return { subject: render(template.Subject), html: render(template.Html), text: render(template.Text) };
}

/** A notice of `kind` drafted in `locale` from `facts`, stored as approved. */
function approved(kind: NoticeKind, locale: Locale, facts: NoticeFacts, rules: readonly RemedyRule[] = DEFAULT_REMEDY_RULES): Notice {
  const impact = {
    affectedCustomers: 12_500,
    byDataCategory: { email: 3, password: 1, payment_card: 1, government_id: 1 },
    byJurisdiction: {},
    byLocale: {},
    byChannel: {},
  };
  const sequence = kinds.indexOf(kind) + 1;
  const content = draftNotice(
    {
      kind,
      sequence,
      incident: { incidentId, source: 'guardduty', firstSeenAt, impact },
      facts,
      previousFacts: kind === 'first-notice' ? undefined : { measures: [], advice: [], remedies: [] },
      company,
      nextUpdateAt: kind === 'closing' ? null : '2026-11-27T03:12:00Z',
      remedies: { rules, severity: 'CRITICAL', offeredAt: firstSeenAt },
    },
    locale,
  );
  return noticeRecord({
    incidentId,
    noticeId: `${kind}-${sequence}`,
    kind,
    sequence,
    status: 'APPROVED',
    content: { [locale]: content },
    createdAt: firstSeenAt,
    promisedNextUpdateAt: content.nextUpdateAt ?? firstSeenAt,
  });
}

const recipient = (
  locale: Locale,
  i: number,
  categories: string[],
  name: string,
  timeZone: string,
  extra: Partial<ChannelRecipient> = {},
): ChannelRecipient => ({
  customerId: `c${i}`,
  locale,
  address: `c${i}.${locale}.${prefix}@example.com`,
  name,
  dataCategories: categories,
  timeZone,
  ...extra,
});

describe('bulk email template data', () => {
  it.each(supportedLocales)(
    "%s: each entry the adapter sends renders its customer's whole email alone, as the twin delivered it; the default alone renders too",
    async (locale) => {
      // Prepare: the stored templates on the twin; readers with and without offers, a closing notice with and without a cause.
      const { ses, requests } = recordingClient();
      for (const t of allEmailTemplates(prefix).filter((x) => kinds.some((k) => x.name === templateName(prefix, k, locale)))) {
        await ses.send(new CreateEmailTemplateCommand({ TemplateName: t.name, TemplateContent: { Subject: t.subject, Html: t.html, Text: t.text } }));
      }
      const channel = emailChannel({ email: new SesEmailSender(ses, 'notices@example.com'), templatePrefix: prefix });
      const facts: NoticeFacts = {
        whatHappened: 'Someone copied <customer records> & "notes".',
        cause: 'A leaked key.',
        measures: ['Keys rotated.'],
        advice: ['Watch your statements.'],
        remedies: ['Fees waived.'],
      };
      const notices = kinds.flatMap((kind) => [
        approved(kind, locale, kind === 'first-notice' ? { ...facts, remedies: [] } : facts),
        ...(kind === 'closing' ? [approved(kind, locale, { measures: [], advice: [], remedies: [] })] : []),
      ]);
      let i = 0;
      const readers = () => [
        recipient(locale, i++, ['email', 'password', 'payment_card'], 'Ann <Lee>', 'Asia/Shanghai'),
        recipient(locale, i++, ['email'], '王小明', 'America/St_Johns'),
        // A Californian (the directory's region): in English, the statute's title and headings.
        recipient(locale, i++, ['email', 'government_id'], 'Ana Ruiz', 'America/Los_Angeles', { region: 'US-CA', dateLocale: `${locale.split('-')[0]}-US` }),
      ];
      // Act
      const sent: { notice: Notice; readers: ChannelRecipient[]; statuses: string[] }[] = [];
      for (const notice of notices) {
        const batch = readers();
        sent.push({ notice, readers: batch, statuses: (await channel.prepare(notice, locale, batch)()).map((r) => r.status) });
      }
      // Assess
      const bulk = requests().map((r) => r.body);
      expect(bulk).toHaveLength(notices.length);
      for (const [n, { notice, readers: batch, statuses }] of sent.entries()) {
        expect(statuses).toEqual(batch.map(() => 'SENT'));
        const request = bulk[n]!;
        const stored = (await ses.send(new GetEmailTemplateCommand({ TemplateName: request.DefaultContent.Template.TemplateName }))).TemplateContent!;
        expect(request.DefaultContent.Template.TemplateName).toBe(templateName(prefix, notice.kind, locale));
        expect(
          () => renderAlone({ Subject: stored.Subject!, Html: stored.Html!, Text: stored.Text! }, JSON.parse(request.DefaultContent.Template.TemplateData)),
          `${notice.noticeId}: the default`,
        ).not.toThrow();
        for (const [k, entry] of request.BulkEmailEntries.entries()) {
          const to = entry.Destination.ToAddresses[0]!;
          expect(to).toBe(batch[k]!.address);
          const alone = renderAlone(
            { Subject: stored.Subject!, Html: stored.Html!, Text: stored.Text! },
            JSON.parse(entry.ReplacementEmailContent.ReplacementTemplate.ReplacementTemplateData),
          );
          const delivered = await emailsTo(to);
          expect(delivered, `${notice.noticeId} to ${to}`).toHaveLength(1);
          expect({ subject: delivered[0]!.subject, html: delivered[0]!.body.html, text: delivered[0]!.body.text }).toEqual(alone);
          const californian = batch[k]!.region === 'US-CA' && locale === 'en';
          expect(delivered[0]!.subject === 'Notice of Data Breach', `${notice.noticeId} to ${to}`).toBe(californian);
        }
      }
    },
  );

  it("a worst-case call, zh-CN with the longest facts, customer names and remedy rules the settings allow, keeps each entry within SES's documented 262,144 characters and the request within what the twin reads", async () => {
    // Prepare: every field at its schema's maximum, every data category, remedy rules up to their size limit; SES answered locally.
    const long = (n: number, i: number) => `${i}${'泄'.repeat(n)}`.slice(0, n);
    const facts: NoticeFacts = {
      whatHappened: long(2000, 0),
      cause: long(2000, 1),
      measures: Array.from({ length: 20 }, (_, i) => long(600, 10 + i)),
      advice: Array.from({ length: 20 }, (_, i) => long(600, 40 + i)),
      remedies: Array.from({ length: 20 }, (_, i) => long(600, 70 + i)),
    };
    let rules: RemedyRule[] = [...DEFAULT_REMEDY_RULES];
    for (let r = 0; rules.length < 20; r += 1) {
      const more = [...rules, ...remedyRulesSchema.parse([{ id: `rule-${r}`, categories: ['email'], text: { 'zh-CN': long(400, r) } }])];
      if (remedyRulesProblem(more, ['zh-CN'])) break;
      rules = more;
    }
    const everyCategory = [...dataCategories];
    const { ses, requests } = recordingClient(async (request) => {
      const entries = (JSON.parse(bodyText(request.body)) as BulkRequest).BulkEmailEntries;
      const body = JSON.stringify({ BulkEmailEntryResults: entries.map((_, k) => ({ Status: 'SUCCESS', MessageId: `m-${k}` })) });
      return { response: { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Readable.from([body]) } };
    });
    const channel = emailChannel({ email: new SesEmailSender(ses, 'notices@example.com'), templatePrefix: prefix });
    const readers = Array.from({ length: SES_MAX_BULK_ENTRIES }, (_, k) => ({
      ...recipient('zh-CN', k, everyCategory, '王'.repeat(200), 'Asia/Shanghai'),
      address: `${'a'.repeat(50)}${k}@example.com`,
    }));
    for (const kind of kinds) {
      // Act
      const results = await channel.prepare(approved(kind, 'zh-CN', facts, rules), 'zh-CN', readers)();
      // Assess
      expect(results.map((r) => r.status)).toEqual(readers.map(() => 'SENT'));
      const { bytes, body } = requests().at(-1)!;
      const longest = Math.max(...body.BulkEmailEntries.map((e) => e.ReplacementEmailContent.ReplacementTemplate.ReplacementTemplateData.length));
      expect(longest, `${kind}: the longest entry`).toBeLessThanOrEqual(SES_TEMPLATE_DATA_MAX);
      expect(body.DefaultContent.Template.TemplateData.length, `${kind}: the default`).toBeLessThanOrEqual(SES_TEMPLATE_DATA_MAX);
      expect(bytes, `${kind}: the request (${bytes} bytes, entries up to ${longest} characters)`).toBeLessThan(TWIN_BODY_LIMIT);
    }
  });
});
