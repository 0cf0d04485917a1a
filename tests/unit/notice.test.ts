import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { formatSender } from '../../functions/adapters/email-sender.js';
import { allEmailTemplates, noticeTemplateData, recipientTemplateData, templateName } from '../../functions/domain/email-templates.js';
import { chunk, summariseImpact } from '../../functions/domain/impact.js';
import { catalogues, resolveLocale } from '../../functions/domain/locales.js';
import { readerDateLocale } from '../../functions/domain/local-time.js';
import {
  californiaLayout,
  draftNotice,
  noticeLayout,
  noticeTextForDiff,
  personaliseNotice,
  usesCaliforniaFormat,
  type DraftInput,
  type NoticeReader,
} from '../../functions/domain/notice.js';
import { noticePreviewHtml, noticePreviewText } from '../../functions/domain/preview.js';
import { localesEnv } from '../../functions/shared/config.js';
import { functionEnvironment, parseAppConfig } from '../../infra/config.js';

const impact = summariseImpact([
  { customerId: 'c1', locale: 'en-GB', country: 'GB', channels: ['email', 'sms'], dataCategories: ['email', 'password'] },
  { customerId: 'c2', locale: 'zh-CN', country: 'CN', channels: ['email'], dataCategories: ['email', 'email', 'payment_card'] },
  { customerId: 'c3', locale: 'zh-CN', country: 'CN', channels: ['email'], dataCategories: ['name'] },
]);

const noFacts = { measures: [], advice: [], remedies: [] };
const input = (over: Partial<DraftInput> = {}): DraftInput => ({
  kind: 'first-notice',
  sequence: 1,
  incident: { incidentId: 'inc-20261120-0123456789ab', source: 'guardduty', firstSeenAt: '2026-11-20T03:12:00Z', impact },
  facts: noFacts,
  company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com/s' },
  nextUpdateAt: '2026-11-27T03:12:00Z',
  ...over,
});
const ann: NoticeReader = { name: 'Ann Lee', dataCategories: ['email', 'password'], timeZone: 'Asia/Shanghai' };
const wang: NoticeReader = { name: '王五', dataCategories: ['email', 'password'], timeZone: 'Asia/Shanghai' };

describe('impact', () => {
  it('counts each customer once per category, jurisdiction, locale and channel', () => {
    expect(impact).toEqual({
      affectedCustomers: 3,
      byDataCategory: { email: 2, password: 1, payment_card: 1, name: 1 },
      byJurisdiction: { GB: 1, CN: 2 },
      byLocale: { 'en-GB': 1, 'zh-CN': 2 },
      byChannel: { email: 3, sms: 1 },
    });
  });

  it('chunks keep order and size; a bad size is refused', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe('drafting', () => {
  it('English first notice: apology first, then what, when (local), which data, what we did, what to do, contacts, next update', () => {
    // Act
    const stored = draftNotice(input(), 'en');
    const n = personaliseNotice(stored, 'en', ann);
    // Assess
    expect(n.subject).toBe('Important: a security incident at Example Co. involved your information');
    expect(n.greeting).toBe('Dear Ann Lee,');
    // An apology that owns the response without conceding liability.
    expect(n.apology).toMatch(/^We are sorry that this has happened\. .*we are responsible for how we respond/);
    expect(n.apology).not.toMatch(/full responsibility|should not have happened/);
    expect(n.whatHappened).toBe(
      'On 20 November 2026 at 11:12 China Standard Time, our security monitoring detected unauthorised activity on systems that hold customer information. The information of 3 customers was involved, including yours.',
    );
    expect(n.yourData).toBe('This incident involved the following information of yours: email address and password (stored in hashed form).');
    expect(n.cause).toEqual([catalogues.en.notice.causeUnknown]);
    expect(n.actionsTaken).toEqual(['Our security response team is investigating the incident.']);
    expect(n.customerSteps.join(' ')).toMatch(/Change your password/);
    expect(n.customerSteps.join(' ')).toMatch(/two-factor/);
    expect(n.customerSteps.join(' ')).toMatch(/transactions/);
    expect(n.customerSteps.at(-1)).toBe(catalogues.en.advice.phishing);
    expect(n.remedies).toEqual([]);
    expect(n.contact).toEqual([
      'Email: help@example.com',
      'Updates and answers to common questions: https://status.example.com/s/inc-20261120-0123456789ab/en.html',
    ]);
    expect(n.nextUpdate).toBe('We will send our next update by 27 November 2026 at 11:12 China Standard Time, or sooner if we learn anything important.');
    expect(n.footer).toContain('because some of your information was involved in this incident');
  });

  it('the stored wording holds no customer data: placeholders, filled per customer at sending', () => {
    const stored = draftNotice(input(), 'en');
    expect(JSON.stringify(stored)).not.toMatch(/Ann|11:12|email address and/);
    expect(stored.greeting).toBe('Dear {customerName},');
    expect(stored.whatHappened).toContain('On {firstSeenAt},');
    expect(stored.yourData).toContain('{affectedData}');
  });

  it("Chinese first notice carries the same facts in Chinese, in the customer's time with its offset", () => {
    const n = personaliseNotice(draftNotice(input(), 'zh-CN'), 'zh-CN', wang);
    expect(n.subject).toBe('重要通知：Example Co. 发生安全事件，涉及您的个人信息');
    expect(n.whatHappened).toMatch(/^2026年11月20日 11:12（北京时间），我们的安全监控系统发现/);
    // The information is what was involved, not the person: 其中包括您的信息.
    expect(n.whatHappened).toContain('此次事件共涉及 3 位客户的信息，其中包括您的信息。');
    expect(n.yourData).toBe('此次事件涉及您的以下信息：电子邮件地址、密码（以哈希形式存储）。');
    expect(n.customerSteps.join('')).toContain('修改密码');
    expect(n.contact[0]).toBe('电子邮件：help@example.com');
  });

  it('a manual report says when we learned of the incident and that it was reported, never that our monitoring detected it', () => {
    for (const locale of ['en', 'zh-CN', 'es'] as const) {
      const manual = draftNotice(input({ incident: { ...input().incident, source: 'manual' } }), locale).whatHappened;
      expect(manual, locale).not.toMatch(/monitoring|监控|supervisión/);
    }
    expect(draftNotice(input({ incident: { ...input().incident, source: 'manual' } }), 'en').whatHappened).toMatch(
      /^On \{firstSeenAt\}, we learned of a security incident .*it was reported to us/,
    );
    expect(draftNotice(input({ incident: { ...input().incident, source: 'macie' } }), 'en').whatHappened).toContain('in one of our storage locations');
  });

  it("the team's facts fill every section; the cause when given, remedies only when offered", () => {
    const facts = {
      whatHappened: 'A key leaked',
      cause: 'A key was published by mistake',
      measures: ['We rotated the keys'],
      advice: ['Watch your statements'],
      remedies: ['Free credit monitoring for a year'],
    };
    const n = draftNotice(input({ facts }), 'en');
    expect(n.account).toEqual(['A key leaked.']);
    expect(n.cause).toEqual(['A key was published by mistake.']);
    expect(n.actionsTaken).toEqual(['We rotated the keys.']);
    expect(n.customerSteps.at(-1)).toBe('Watch your statements.');
    expect(n.remedies).toEqual(['Free credit monitoring for a year.']);
  });

  it('updates say what changed since the last notice sent, or plainly that nothing did', () => {
    const before = { measures: ['We rotated the keys.'], advice: [], remedies: [] };
    const now = {
      cause: 'A key was published by mistake.',
      whatHappened: 'More detail.',
      measures: ['We rotated the keys.', 'We closed the bucket.'],
      advice: ['Watch your statements.'],
      remedies: ['A year of credit monitoring.'],
    };
    const changed = draftNotice(input({ kind: 'update', sequence: 2, facts: now, previousFacts: before }), 'en');
    expect(changed.subject).toBe('Update 1 on the security incident at Example Co.');
    expect(changed.headline).toBe('This is update 1 on the security incident at Example Co. that we told you about.');
    expect(changed.changes).toEqual([
      'We now know the cause. A key was published by mistake.',
      'We have learned more about what happened: see "What happened".',
      'New measure: We closed the bucket.',
      'New advice: Watch your statements.',
      'New offer: A year of credit monitoring.',
    ]);
    const revised = draftNotice(input({ kind: 'update', sequence: 3, facts: { ...now, cause: 'A wrong policy.' }, previousFacts: now }), 'es');
    expect(revised.changes).toEqual(['Hemos corregido lo que dijimos sobre la causa. A wrong policy.']);
    const withdrawn = draftNotice(input({ kind: 'update', sequence: 3, facts: { ...now, cause: undefined }, previousFacts: now }), 'en');
    expect(withdrawn.changes).toEqual([catalogues.en.notice.causeWithdrawn]);
    const same = draftNotice(input({ kind: 'update', sequence: 3, facts: now, previousFacts: now }), 'zh-CN');
    expect(same.subject).toContain('进展通报（第 2 次）');
    expect(same.changes).toEqual(['自上次通知以来，情况没有新的变化。调查仍在继续，我们将及时通报进展。']);
    expect(draftNotice(input(), 'en').changes).toEqual([]);
  });

  it('the closing notice summarises, says the incident is closed, apologises again and thanks; it promises no update', () => {
    const facts = { measures: ['We rotated the keys.'], advice: [], remedies: [] };
    const n = personaliseNotice(draftNotice(input({ kind: 'closing', sequence: 3, facts, previousFacts: facts, nextUpdateAt: null }), 'en'), 'en', ann);
    expect(n.subject).toBe('The security incident at Example Co. is closed');
    expect(n.headline).toContain('is now closed');
    expect(n.apology).toMatch(/^We apologise again/);
    expect(n.thanks).toEqual([catalogues.en.notice.closingThanks]);
    expect(n.nextUpdate).toBeNull();
    expect(n.changes).toEqual([]);
    // No cause named: a closed incident does not claim to be still investigating.
    expect(n.cause).toEqual([]);
    expect(n.actionsTaken).toEqual(['We rotated the keys.']);
    expect(draftNotice(input({ kind: 'closing', sequence: 3, nextUpdateAt: null }), 'en').actionsTaken).toEqual([catalogues.en.notice.investigated]);
  });

  it('every configured contact channel is listed; a contact that is no email address is named as a contact', () => {
    const company = {
      name: 'Example Co.',
      contact: 'https://example.com/contact',
      incidentPageUrl: 'https://status.example.com/s',
      supportHotline: '+44 20 7946 0000',
      questionFormUrl: 'https://example.com/ask',
    };
    expect(draftNotice(input({ company }), 'es').contact).toEqual([
      'Contacto: https://example.com/contact',
      'Teléfono: +44 20 7946 0000',
      'Novedades y respuestas a las preguntas frecuentes: https://status.example.com/s/inc-20261120-0123456789ab/es.html',
      'Envíenos su pregunta: https://example.com/ask',
    ]);
  });

  it('the preview escapes HTML from any source', () => {
    const n = draftNotice(input({ facts: { ...noFacts, measures: ['<script>alert(1)</script>'] } }), 'en');
    const html = noticePreviewHtml(n, 'en', { timeZones: ['UTC'], smsRecipients: 0 });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
});

describe('local time', () => {
  it("each locale writes the customer's own time with the zone's name (or, where it has none, the offset from UTC)", () => {
    const at = '2026-11-20T03:12:00Z';
    expect(catalogues.en.formatTime(at, 'Asia/Shanghai')).toBe('20 November 2026 at 11:12 China Standard Time');
    expect(catalogues.es.formatTime(at, 'America/Mexico_City')).toBe('19 de noviembre de 2026 a las 21:12 (UTC-06:00)');
    expect(catalogues.es.formatTime('2026-11-20T01:05:00Z', 'UTC')).toBe('20 de noviembre de 2026 a la 1:05 (UTC+00:00)');
    expect(catalogues.en.formatTime(at, 'Asia/Kathmandu')).toBe('20 November 2026 at 08:57 Nepal Time');
    expect(catalogues.en.formatTime(at, 'UTC')).toBe('20 November 2026 at 03:12 UTC');
    // Daylight saving time: the zone's name in force at that instant.
    expect(catalogues.en.formatTime('2026-07-01T12:00:00Z', 'Europe/London', 'en-GB')).toBe('1 July 2026 at 13:00 BST');
  });

  it('an American reader gets en-US dates and the zone abbreviation; a British one en-GB dates and 24-hour time', () => {
    const at = '2026-11-20T03:12:00Z';
    const chicago = readerDateLocale({ locale: 'en', country: 'US' });
    expect(chicago).toBe('en-US');
    expect(catalogues.en.formatTime(at, 'America/Chicago', chicago)).toBe('November 19, 2026 at 9:12 PM CST');
    expect(catalogues.en.formatDay(at, 'America/Chicago', chicago)).toBe('November 19');
    const london = readerDateLocale({ locale: 'en-GB', country: 'US' });
    expect(london).toBe('en-GB');
    expect(catalogues.en.formatTime(at, 'Europe/London', london)).toBe('20 November 2026 at 03:12 GMT');
    expect(catalogues.en.formatDay(at, 'Europe/London', london)).toBe('20 November');
    // A British reader in Chicago: British dates, the zone's full name (en-GB has no "CST").
    expect(catalogues.en.formatTime(at, 'America/Chicago', 'en-GB')).toBe('19 November 2026 at 21:12 Central Standard Time');
    expect(personaliseNotice(draftNotice(input(), 'en'), 'en', { ...ann, timeZone: 'America/Chicago', dateLocale: chicago }).whatHappened).toMatch(
      /^On November 19, 2026 at 9:12 PM CST, /,
    );
  });

  it('a Chinese reader in China reads 北京时间; elsewhere the zone in Chinese', () => {
    const at = '2026-11-20T03:12:00Z';
    expect(catalogues['zh-CN'].formatTime(at, 'Asia/Shanghai')).toBe('2026年11月20日 11:12（北京时间）');
    expect(catalogues['zh-CN'].formatTime(at, 'America/Chicago')).toBe('2026年11月19日 21:12（北美中部标准时间）');
    expect(personaliseNotice(draftNotice(input(), 'zh-CN'), 'zh-CN', { ...ann, timeZone: 'Asia/Shanghai' }).whatHappened).toMatch(
      /^2026年11月20日 11:12（北京时间），/,
    );
  });

  it('a customer west of UTC reads the day before, in the email and in the SMS', () => {
    // A short page URL, so the SMS variant that names the day fits one segment.
    const n = personaliseNotice(
      draftNotice(input({ company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://x.io' } }), 'en'),
      'en',
      { ...ann, timeZone: 'America/New_York' },
    );
    expect(n.whatHappened).toMatch(/^On 19 November 2026 at 22:12 Eastern Standard Time/);
    expect(n.sms).toContain('on 19 November');
  });
});

describe("California's notice (Cal. Civ. Code 1798.82(d))", () => {
  const CALIFORNIA_HEADINGS = ['What Happened', 'What Information Was Involved', 'What We Are Doing', 'What You Can Do', 'For More Information'];
  /** The email as SES renders it for a reader in `region`: subject and text part. */
  function mailFor(kind: 'first-notice' | 'update' | 'closing', region: string | undefined, locale: 'en' | 'zh-CN' = 'en') {
    const template = allEmailTemplates('bn').find((t) => t.name === templateName('bn', kind, locale))!;
    const content = draftNotice(input(kind === 'first-notice' ? {} : { kind, sequence: 2, previousFacts: noFacts }), locale);
    const data = {
      ...noticeTemplateData(content),
      ...recipientTemplateData(personaliseNotice(content, locale, ann), { california: usesCaliforniaFormat(region) }),
    };
    const hb = Handlebars.create();
    return { subject: hb.compile(template.subject, { noEscape: true })(data), text: hb.compile(template.text, { noEscape: true })(data), content };
  }

  it.each(['first-notice', 'update', 'closing'] as const)(
    'a California resident gets the title "Notice of Data Breach" and the five headings in order (%s)',
    (kind) => {
      // Act
      const { subject, text } = mailFor(kind, 'US-CA');
      const lines = text.split('\n');
      // Assess
      expect(subject).toBe('Notice of Data Breach');
      expect(lines[0]).toBe('Notice of Data Breach');
      const at = CALIFORNIA_HEADINGS.map((h) => lines.indexOf(h));
      expect(
        at.every((i) => i > 0),
        JSON.stringify(at),
      ).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      expect(text).not.toContain('What happened\n');
    },
  );

  it.each(['first-notice', 'update', 'closing'] as const)(
    'a California resident reads every field everyone else reads, only under other headings (%s)',
    (kind) => {
      // Prepare
      const usual = [...new Set(noticeLayout(kind).flatMap((b) => b.fields))].sort();
      // Act
      const california = [...new Set(californiaLayout(kind).flatMap((b) => b.fields))].sort();
      // Assess
      expect(california).toEqual(usual);
      const { text, content } = mailFor(kind, 'US-CA');
      const consequences = personaliseNotice(content, 'en', ann).consequences ?? [];
      if (kind === 'first-notice') expect(consequences.length).toBeGreaterThan(0);
      for (const line of consequences) expect(text).toContain(line);
    },
  );

  it('everyone else keeps the usual subject and headings; the region comes from the directory only', () => {
    // Act
    const other = mailFor('first-notice', 'US-TX');
    const none = mailFor('first-notice', undefined);
    const zh = mailFor('first-notice', 'US-CA', 'zh-CN');
    // Assess
    for (const m of [other, none]) {
      expect(m.subject).toBe(m.content.subject);
      expect(m.text).toContain('What happened\n');
      expect(m.text).not.toContain('Notice of Data Breach');
    }
    // The statute's headings are English words: other locales keep theirs.
    expect(zh.subject).toBe(zh.content.subject);
    expect(usesCaliforniaFormat('US-CA')).toBe(true);
    expect(usesCaliforniaFormat('US')).toBe(false);
    expect(readerDateLocale({ locale: 'zh-CN', country: 'CN' })).toBe('zh-CN');
  });
});

describe('clean wording helpers', () => {
  it("endSentence adds the full stop only where the text has none, in each language's punctuation", () => {
    expect(catalogues.en.endSentence('We rotated the keys')).toBe('We rotated the keys.');
    expect(catalogues.en.endSentence('We rotated the keys.')).toBe('We rotated the keys.');
    expect(catalogues.en.endSentence('Is it fixed?')).toBe('Is it fixed?');
    expect(catalogues.en.endSentence('It said "done."')).toBe('It said "done."');
    expect(catalogues.en.endSentence('We did the following:')).toBe('We did the following.');
    expect(catalogues['zh-CN'].endSentence('我们已更换密钥')).toBe('我们已更换密钥。');
    expect(catalogues['zh-CN'].endSentence('我们已更换密钥。')).toBe('我们已更换密钥。');
    expect(catalogues['zh-CN'].endSentence('我们已更换密钥，')).toBe('我们已更换密钥。');
    expect(catalogues.es.endSentence('¿Está resuelto?')).toBe('¿Está resuelto?');
  });

  it('the approval summary does not double the full stop of a title that has one', () => {
    const p = {
      incidentId: 'inc-1',
      title: 'The S3 object contains personal information.',
      severity: 'HIGH',
      customers: 2,
      firstSeenAt: '2026-11-20T03:12:00Z',
    };
    expect(catalogues.en.approvalEmail.summary(p)).toContain('personal information. Severity');
    expect(catalogues['zh-CN'].approvalEmail.summary(p)).toContain('personal information.严重程度');
    expect(catalogues.es.approvalEmail.summary({ ...p, title: 'Bucket public' })).toContain('Bucket public. Gravedad');
  });

  it('no Chinese data category carries its own 您, so no sentence reads 您的您', () => {
    for (const label of Object.values(catalogues['zh-CN'].dataCategories)) expect(label).not.toContain('您');
    expect(personaliseNotice(draftNotice(input(), 'zh-CN'), 'zh-CN', { ...wang, dataCategories: ['crypto_assets'] }).yourData).toBe(
      '此次事件涉及您的以下信息：在我们平台上持有的数字资产。',
    );
  });
});

describe("the approvers' view", () => {
  const content = draftNotice(input({ kind: 'update', sequence: 2, facts: { ...noFacts, measures: ['We closed the bucket.'] }, previousFacts: noFacts }), 'en');

  it("the preview shows one example time per zone (five, then how many more), the SMS as received, its size and the audience's cost", () => {
    const zones = ['Asia/Shanghai', 'Europe/London', 'America/New_York', 'UTC', 'Asia/Kolkata', 'Australia/Sydney', 'Pacific/Kiritimati'];
    const text = noticePreviewText(content, 'en', { timeZones: zones, smsRecipients: 1200, smsPrice: { perSegment: 0.00645, currency: 'USD' } });
    expect(text).toContain('Dear [customer name],');
    expect(text).toContain('On 20 November 2026 at 11:12 China Standard Time');
    expect(text).toContain(
      '- America/New_York: 19 November 2026 at 22:12 Eastern Standard Time; next update by 26 November 2026 at 22:12 Eastern Standard Time',
    );
    expect(text).toContain('- and 2 more time zones');
    expect(text).not.toContain('Australia/Sydney:');
    expect(text).toMatch(/\nExample Co\.: update 1 on the security incident.*We never text links or ask for codes\.\n/);
    expect(text).toMatch(/GSM-7, \d+ characters: 1 segment \(a single segment holds 160\)/);
    expect(text).toContain('Estimated cost: 1,200 recipients × 1 segment × US$0.00645 = US$7.74.');
    const html = noticePreviewHtml(content, 'en', { timeZones: [], smsRecipients: 3 });
    expect(html).toContain('3 recipients × 1 segment; no price is configured for an estimate.');
    expect(noticePreviewText(content, 'en', { timeZones: ['UTC'], smsRecipients: 0 })).toContain('No customer in this audience receives SMS.');
  });

  it("the SMS size is the worst over the audience's zones: a zone whose day is longer counts", () => {
    const zh = draftNotice(input({ company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://x.example/s' } }), 'zh-CN');
    const text = noticePreviewText(zh, 'zh-CN', {
      timeZones: ['Asia/Shanghai', 'America/New_York'],
      smsRecipients: 10,
      smsPrice: { perSegment: 0.05, currency: 'CNY' },
    });
    // Without a link a Chinese SMS fits one UCS-2 segment (70 characters) on every customer's day.
    expect(text).toMatch(/UCS-2 编码，\d+ 个字符：共 1 条（单条最多 70 个字符）/);
    expect(text).toContain('预计费用：10 位收件人 × 1 条 × ¥0.05 = ¥0.50。');
  });

  it('the text to diff has one line per sentence or item, stand-ins for the customer, times in UTC', () => {
    const lines = noticeTextForDiff(content, 'en');
    expect(lines[0]).toBe('Update 1 on the security incident at Example Co.');
    expect(lines).toContain('New measure: We closed the bucket.');
    expect(lines).toContain('We apologise again for this incident and for the trouble it is causing you.');
    expect(lines).toContain(
      'On 20 November 2026 at 03:12 UTC, our security monitoring detected unauthorised activity on systems that hold customer information.',
    );
    expect(lines).toContain('The information of 3 customers was involved, including yours.');
    expect(lines).toContain('Dear [customer name],');
    expect(lines.at(-1)).toMatch(/^SMS: Example Co\.: update 1/);
    const edited = draftNotice(
      input({ kind: 'update', sequence: 2, facts: { ...noFacts, measures: ['We closed the bucket.', 'We rotated the keys.'] }, previousFacts: noFacts }),
      'en',
    );
    expect(noticeTextForDiff(edited, 'en').filter((l) => !lines.includes(l))).toEqual(['New measure: We rotated the keys.', 'We rotated the keys.']);
  });
});

describe('locales and templates', () => {
  it.each([
    ['zh-CN', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['en-GB', 'en'],
    ['fr-FR', 'en'],
    ['es-MX', 'en'],
    [undefined, 'en'],
  ] as const)('%s -> %s', (given, expected) => {
    expect(resolveLocale(given, ['en', 'zh-CN'])).toBe(expected);
  });

  it('a configured Spanish reaches every Spanish speaker; unconfigured locales get the first configured', () => {
    expect(resolveLocale('es-MX', ['en', 'es'])).toBe('es');
    expect(resolveLocale('ES', ['zh-CN', 'es'])).toBe('es');
    expect(resolveLocale('de-DE', ['zh-CN', 'es'])).toBe('zh-CN');
  });

  it('Spanish: whole sentences with agreement, dates and lists as Spanish writes them', () => {
    const n = personaliseNotice(draftNotice(input({ kind: 'update', sequence: 2, previousFacts: noFacts }), 'es'), 'es', {
      name: 'Lucía',
      dataCategories: ['email', 'name', 'password', 'payment_card'],
      timeZone: 'Europe/Madrid',
    });
    expect(n.subject).toBe('Actualización 1 sobre el incidente de seguridad en Example Co.');
    expect(n.whatHappened).toMatch(/^El 20 de noviembre de 2026 a las 4:12 \(UTC\+01:00\), nuestro sistema de supervisión/);
    expect(n.whatHappened).toContain('Ha afectado a la información de 3 clientes, entre ellos usted.');
    expect(n.yourData).toBe(
      'En su caso, los datos afectados son: dirección de correo electrónico, nombre, contraseña (almacenada en forma de hash) y datos de la tarjeta de pago.',
    );
    expect(n.changes).toEqual(['No hay cambios desde nuestro último mensaje. La investigación continúa e informaremos de lo que averigüemos.']);
    expect(catalogues.es.formatList(['nombre', 'historial de transacciones'])).toBe('nombre e historial de transacciones');
    const one = draftNotice(input({ incident: { ...input().incident, impact: { ...impact, affectedCustomers: 1 } } }), 'es');
    expect(one.whatHappened).toContain('Usted es la única persona afectada.');
  });

  it('every variable a notice template uses is one the shared or the per-recipient data provides', () => {
    for (const kind of ['first-notice', 'update', 'closing'] as const) {
      const content = draftNotice(input({ kind, nextUpdateAt: kind === 'closing' ? null : input().nextUpdateAt }), 'en');
      const data = { ...noticeTemplateData(content), ...recipientTemplateData(personaliseNotice(content, 'en', ann)) };
      for (const t of allEmailTemplates('bn').filter((t) => t.name.includes(`-${kind}-`))) {
        for (const v of variablesIn(`${t.subject}${t.html}${t.text}`)) expect(valueAt(data, v), `${t.name}: ${v}`).toBeDefined();
      }
    }
    expect(templateName('bn', 'update', 'zh-CN')).toBe('bn-update-zh-CN');
  });
});

describe('HTML escaping in emails', () => {
  const hostile = '<b>Ann</b> & "Co" <script>';
  const escaped = '&lt;b&gt;Ann&lt;/b&gt; &amp; &quot;Co&quot; &lt;script&gt;';

  it('templates insert values raw: the HTML part only pre-escaped ones, the text part and subject only plain ones', () => {
    for (const t of allEmailTemplates('bn')) {
      // {{x}} would be escaped by SES and not by the twin's emulator: none may remain.
      expect(`${t.subject}${t.html}${t.text}`, t.name).not.toMatch(/(?<!\{)\{\{(?![{#/])/);
      // A flag only chooses a block (`california`): never inserted, so neither kind of text.
      for (const v of variablesIn(t.html).filter((v) => !TEMPLATE_FLAGS.has(v))) expect(isHtmlVariable(v), `${t.name} html: ${v}`).toBe(true);
      for (const v of variablesIn(`${t.subject}${t.text}`).filter((v) => !TEMPLATE_FLAGS.has(v))) expect(isHtmlVariable(v), `${t.name} text: ${v}`).toBe(false);
    }
  });

  it('a hostile name and team entry render the same with and without Handlebars escaping (SES and the twin): escaped in HTML, plain in text', () => {
    const content = draftNotice(input({ kind: 'update', sequence: 2, facts: { ...noFacts, measures: [hostile] }, previousFacts: noFacts }), 'en');
    const data = { ...noticeTemplateData(content), ...recipientTemplateData(personaliseNotice(content, 'en', { ...ann, name: hostile })) };
    const template = allEmailTemplates('bn').find((t) => t.name === 'bn-update-en')!;
    const [sesHtml, twinHtml] = [false, true].map((noEscape) => Handlebars.create().compile(template.html, { noEscape })(data));
    const [sesText, twinText] = [false, true].map((noEscape) => Handlebars.create().compile(template.text, { noEscape })(data));
    expect(sesHtml).toBe(twinHtml);
    expect(sesText).toBe(twinText);
    expect(sesHtml).toContain(`Dear ${escaped},`);
    expect(sesHtml).toContain(`<li>${escaped}.</li>`);
    expect(sesHtml).not.toMatch(/<b>|<script>/);
    expect(sesText).toContain(`Dear ${hostile},`);
    expect(sesText).toContain(`- ${hostile}.`);
  });
});

describe('email conventions', () => {
  it('the sender name is a quoted string in ASCII and RFC 2047 encoded words otherwise, each within 75 characters', () => {
    expect(formatSender('Example Co. Security', 'notices@example.com')).toBe('"Example Co. Security" <notices@example.com>');
    expect(formatSender('Say "hi" \\ bye', 'n@example.com')).toBe('"Say \\"hi\\" \\\\ bye" <n@example.com>');
    const zh = formatSender('示例公司安全团队', 'n@example.com');
    expect(zh).toBe(`=?UTF-8?B?${Buffer.from('示例公司安全团队').toString('base64')}?= <n@example.com>`);
    const long = formatSender('示例'.repeat(30), 'n@example.com');
    const words = long.replace(/ <n@example\.com>$/, '').split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
    expect(words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('')).toBe('示例'.repeat(30));
    expect(() => formatSender('Evil\r\nBcc: x@example.com', 'n@example.com')).toThrow(RangeError);
  });
});

describe('settings', () => {
  const context: Record<string, unknown> = {
    'breach-notice:senderAddress': 'notices@acme.example',
    'breach-notice:approverEmails': 'ciso@acme.example',
    'breach-notice:backupApproverEmails': 'ceo@acme.example',
    'breach-notice:companyName': 'Acme Bank',
  };
  const names = {
    incidentsTable: 'i',
    customersTable: 'c',
    deliveriesTable: 'd',
    idempotencyTable: 'x',
    responseTeamTopicArn: 'arn:t',
    stateMachineArn: 'arn:s',
    approvalBaseUrl: 'https://a.example',
    publicChannelsTopicArn: 'arn:p',
    incidentPagesBucket: 'pages',
    incidentPagesUrl: 'https://pages.example',
  };
  const env = (over: Record<string, unknown> = {}) =>
    functionEnvironment(
      parseAppConfig((key) => ({ ...context, ...over })[key]),
      names,
    );

  it('defaults: the sender is "<company> Security", replies go to the contact when it is an email, an SMS price estimate in USD', () => {
    expect(env()).toMatchObject({
      SENDER_NAME: 'Acme Bank Security',
      REPLY_TO_ADDRESS: undefined,
      SMS_PRICE_PER_SEGMENT: '0.01',
      SMS_PRICE_CURRENCY: 'USD',
      SUPPORT_HOTLINE: undefined,
      QUESTION_FORM_URL: undefined,
    });
    expect(env({ 'breach-notice:companyContact': 'help@acme.example' }).REPLY_TO_ADDRESS).toBe('help@acme.example');
    expect(env({ 'breach-notice:companyContact': 'https://acme.example/contact' }).REPLY_TO_ADDRESS).toBeUndefined();
    expect(env({ 'breach-notice:companyContact': 'help@acme.example', 'breach-notice:replyToAddress': 'support@acme.example' }).REPLY_TO_ADDRESS).toBe(
      'support@acme.example',
    );
    expect(localesEnv.parse(env()).LOCALES).toEqual(['en', 'zh-CN']);
  });

  it('bad values fail synth with the key: a multi-line sender name, a hotline that is no number, a company name no SMS can carry', () => {
    expect(() => env({ 'breach-notice:senderName': 'Acme\nBcc: x' })).toThrow(/senderName=/);
    expect(() => env({ 'breach-notice:supportHotline': 'call us' })).toThrow(/supportHotline=.*phone number/);
    expect(() => env({ 'breach-notice:smsPriceCurrency': 'dollars' })).toThrow(/smsPriceCurrency=/);
    expect(() => env({ 'breach-notice:companyName': '某'.repeat(100) })).toThrow(/companyName=.*first-notice SMS takes 4 segments/);
  });

  it('an SMS link must be short, https and on the company own domain; it reaches draft-notice only when set', () => {
    expect(env().SMS_LINK).toBeUndefined();
    expect(() => env({ 'breach-notice:smsLink': 'https://bit.ly/acme' })).toThrow(/smsLink=.*bit\.ly is not one of the company's own domains/);
    expect(() => env({ 'breach-notice:smsLink': 'http://acme.example/s' })).toThrow(/smsLink=/);
    expect(() => env({ 'breach-notice:smsLink': `https://acme.example/${'x'.repeat(40)}` })).toThrow(/smsLink=.*at most 40 characters/);
    expect(env({ 'breach-notice:smsLink': 'https://status.acme.example/i', 'breach-notice:companyContact': 'help@acme.example' }).SMS_LINK).toBe(
      'https://status.acme.example/i',
    );
  });

  it("a company's own apology covers every configured locale or is refused", () => {
    expect(() => env({ 'breach-notice:apology': JSON.stringify({ en: 'We apologise.' }), 'breach-notice:locales': 'en,zh-CN' })).toThrow(
      /apology=.*no sentence in zh-CN/,
    );
    const apology = { en: 'We apologise.', 'zh-CN': '我们深表歉意。' };
    expect(JSON.parse(env({ 'breach-notice:apology': JSON.stringify(apology), 'breach-notice:locales': 'en,zh-CN' }).COMPANY_APOLOGY!)).toEqual(apology);
    const first = draftNotice(input({ company: { ...input().company, apology } }), 'zh-CN');
    expect(first.apology).toBe('我们深表歉意。');
    expect(draftNotice(input({ kind: 'update', sequence: 2, company: { ...input().company, apology } }), 'zh-CN').apology).toBe(
      catalogues['zh-CN'].notice.updateApology,
    );
  });
});

/** Variable paths a template reads: `{{{a.b}}}`, `{{#each a.b}}`, `{{#if a.b}}`; `this` excluded. */
function variablesIn(source: string): string[] {
  return [...source.matchAll(/\{\{\{?(?:#each |#if )?([A-Za-z.]+)\}?\}\}/g)].map((m) => m[1]!).filter((v) => v !== 'this');
}

/** Per-recipient booleans the templates test with `#if`/`#unless` and never insert. */
const TEMPLATE_FLAGS = new Set(['california']);

function isHtmlVariable(path: string): boolean {
  return path.startsWith('html.') || path.endsWith('Html');
}

function valueAt(data: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], data);
}
