import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { allEmailTemplates, noticeTemplateData, recipientTemplateData, templateName } from '../../functions/domain/email-templates.js';
import { confirmedActionKinds } from '../../functions/domain/facts.js';
import type { Incident, Notice } from '../../functions/domain/incident.js';
import { catalogues, draftingTexts, supportedLocales } from '../../functions/domain/locales.js';
import { draftNotice, exampleNotice, noticeTextForDiff, personaliseNotice, type DraftInput, type NoticeReader } from '../../functions/domain/notice.js';
import { noticePreviewText } from '../../functions/domain/preview.js';
import { DEFAULT_REMEDY_RULES, remediesOffered, remedyRulesSchema, type RemedyRule } from '../../functions/domain/remedies.js';
import { smsSegments } from '../../functions/domain/sms-segments.js';
import { parseConfig } from '../../functions/shared/config.js';
import { pick } from '../../functions/shared/environment.js';
import { draftNoticeStep, type DraftDeps } from '../../functions/steps/draft-notice.js';
import { remedyReportLines, sendFinalReport } from '../../functions/steps/send-final-report.js';
import { functionEnvironment, parseAppConfig } from '../../infra/config.js';
import { FakeApprovals, FakeClock, FakeEmail, FakeFacts, FakeIncidents, FakeLedger, FakeMessaging, FakeNotices } from '../support/fakes.js';
import { noticeRecord } from '../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
/** Evening in UTC: the deadline's date differs east and west of it. */
const offeredAt = '2026-11-20T20:00:00.000Z';
const rules = DEFAULT_REMEDY_RULES;
/** These tests are about the rules' mechanics: the team confirmed every action an offer states. */
const allConfirmed = { confirmedActions: [...confirmedActionKinds] };

const input = (categories: string[], over: Partial<DraftInput> = {}): DraftInput => ({
  kind: 'first-notice',
  sequence: 1,
  incident: {
    incidentId,
    source: 'guardduty',
    firstSeenAt: '2026-11-20T03:12:00Z',
    impact: { affectedCustomers: 40, byDataCategory: Object.fromEntries(categories.map((c) => [c, 1])), byJurisdiction: {}, byLocale: {}, byChannel: {} },
  },
  facts: { measures: [], advice: [], remedies: [], ...allConfirmed },
  company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com/s' },
  nextUpdateAt: '2026-11-27T03:12:00Z',
  remedies: { rules, severity: 'HIGH', offeredAt },
  ...over,
});
const reader = (dataCategories: string[], timeZone = 'Europe/London'): NoticeReader => ({ name: 'Ann Lee', dataCategories, timeZone });
const en = catalogues.en.remedies.offers;
const zh = catalogues['zh-CN'].remedies.offers;

/** The email a reader receives, rendered from the stored template as SES does. */
function email(stored: ReturnType<typeof draftNotice>, locale: 'en' | 'zh-CN', r: NoticeReader): string {
  const t = allEmailTemplates('bn').find((x) => x.name === templateName('bn', stored.kind, locale))!;
  return Handlebars.create().compile(t.text, { noEscape: true })({
    ...noticeTemplateData(stored),
    ...recipientTemplateData(personaliseNotice(stored, locale, r)),
  });
}

/** The deployment's settings with `context` added to the required ones. */
const appConfig = (context: Record<string, unknown>) =>
  parseAppConfig(
    (key) =>
      ({
        'breach-notice:senderAddress': 's@example.com',
        'breach-notice:approverEmails': 'a@example.com',
        'breach-notice:backupApproverEmails': 'b@example.com',
        ...context,
      })[key],
  );

describe('remedy rules: the setting', () => {
  it('defaults: one rule per category that calls for more than advice, each with wording in every locale', () => {
    // Act
    const config = appConfig({});
    // Assess
    expect(config.remedyRules.map((r) => [r.id, r.categories, r.minSeverity])).toEqual([
      ['credit-monitoring', ['government_id'], 'HIGH'],
      ['card-replacement', ['payment_card'], 'LOW'],
      ['reimbursement', ['bank_account', 'crypto_assets'], 'HIGH'],
      ['password-reset', ['password'], 'LOW'],
      ['api-key-replacement', ['api_keys'], 'LOW'],
    ]);
    for (const locale of supportedLocales)
      for (const r of config.remedyRules) expect(catalogues[locale].remedies.offers[r.offer!], `${locale} ${r.id}`).toBeTruthy();
  });

  it('a JSON string in the context is parsed and reaches the handlers as REMEDY_RULES, parsed the same way', () => {
    // Prepare
    const custom = [
      {
        id: 'monitoring-24m',
        categories: ['government_id', 'date_of_birth'],
        minSeverity: 'CRITICAL',
        claim: { url: 'https://example.com/enrol', deadlineDays: 60 },
        text: { en: 'We offer you 24 months of identity monitoring.', 'zh-CN': '我们为您提供 24 个月的身份监测服务。' },
      },
    ];
    // Act
    const config = appConfig({ 'breach-notice:remedyRules': JSON.stringify(custom) });
    const env = functionEnvironment(config, {
      incidentsTable: 'i',
      customersTable: 'c',
      deliveriesTable: 'd',
      idempotencyTable: 'x',
      responseTeamTopicArn: 'arn:t',
      stateMachineArn: 'arn:s',
      approvalBaseUrl: 'https://a.example',
    } as Parameters<typeof functionEnvironment>[1]);
    const handler = parseConfig(pick('REMEDY_RULES'), { REMEDY_RULES: env.REMEDY_RULES });
    // Assess
    expect(handler.REMEDY_RULES).toEqual(remedyRulesSchema.parse(custom));
    expect(handler.REMEDY_RULES[0]).toMatchObject({ id: 'monitoring-24m', minSeverity: 'CRITICAL', claim: { deadlineDays: 60 } });
  });

  it('bad rules fail synth with the key, the bad value and where in it: an unknown category, a duplicate id, text missing in a locale, not JSON', () => {
    expect(() => appConfig({ 'breach-notice:remedyRules': [{ id: 'x', offer: 'reimbursement', categories: ['goverment_id'] }] })).toThrow(
      /breach-notice:remedyRules=\[\{"id":"x".*"goverment_id".*\]: 0\.categories\.0: Invalid option/,
    );
    expect(() =>
      appConfig({
        'breach-notice:remedyRules': [
          { id: 'a', offer: 'reimbursement', categories: ['password'] },
          { id: 'a', offer: 'password-reset', categories: ['password'] },
        ],
      }),
    ).toThrow(/1\.id: duplicate rule id a/);
    expect(() => appConfig({ 'breach-notice:remedyRules': [{ id: 'own', categories: ['password'], text: { en: 'We will do something.' } }] })).toThrow(
      /remedyRules=.*rule own has no offer and no text in zh-CN/,
    );
    expect(() => appConfig({ 'breach-notice:remedyRules': '[{"id": "a",' })).toThrow(/breach-notice:remedyRules="\[\{\\"id\\": \\"a\\",": not JSON/);
    expect(() =>
      appConfig({ 'breach-notice:remedyRules': [{ id: 'a', offer: 'reimbursement', categories: ['password'], claim: { deadlineDays: 0 } }] }),
    ).toThrow(/0\.claim\.deadlineDays/);
  });

  it('rules too long for the Lambda environment are refused at synth', () => {
    const long = Array.from({ length: 8 }, (_, i) => ({ id: `r${i}`, offer: 'reimbursement', categories: ['password'], text: { en: 'x'.repeat(300) } }));
    expect(() => appConfig({ 'breach-notice:remedyRules': long })).toThrow(/more than 2048/);
  });
});

describe('remedy rules: who is offered what', () => {
  it('an offer stating an action is made only once the team confirmed the action; until then the customer gets the advice', () => {
    const categories = ['password', 'payment_card', 'api_keys'];
    const advice = catalogues.en.advice;
    const none = draftNotice(input(categories, { facts: { measures: [], advice: [], remedies: [] } }), 'en');
    expect(none.remedyOffers).toBeUndefined();
    expect(none.customerSteps).toEqual(expect.arrayContaining([advice.changePassword, advice.cardIssuer, advice.revokeApiKeys]));
    const reset = { measures: [], advice: [], remedies: [], confirmedActions: ['passwords-reset' as const] };
    const some = draftNotice(input(categories, { facts: reset }), 'en');
    expect(some.remedyOffers?.map((o) => o.ruleId)).toEqual(['password-reset']);
    expect(some.customerSteps).toEqual(expect.arrayContaining([advice.changePasswordAfterReset, advice.cardIssuer, advice.revokeApiKeys]));
    expect(some.customerSteps).not.toContain(advice.changePassword);
    // Confirmed in an update: said as a new measure.
    const update = draftNotice(
      input(categories, { kind: 'update', sequence: 2, facts: reset, previousFacts: { measures: [], advice: [], remedies: [] } }),
      'en',
    );
    expect(update.changes).toEqual([`New measure: ${draftingTexts.en.confirmedAction['passwords-reset']}`]);
  });

  it('a customer with payment cards gets card replacement and not credit monitoring; one with a government id gets credit monitoring', () => {
    // Prepare
    const stored = draftNotice(input(['email', 'payment_card', 'government_id']), 'en');
    // Act
    const card = personaliseNotice(stored, 'en', reader(['email', 'payment_card']));
    const id = personaliseNotice(stored, 'en', reader(['email', 'government_id']));
    // Assess
    expect(card.offers).toEqual([en['card-replacement']]);
    expect(id.offers).toHaveLength(1);
    expect(id.offers![0]).toMatch(
      new RegExp(`^${en['credit-monitoring'].replace(/[.()]/g, '\\$&')} To take up this offer, contact us by \\d+ \\w+ 2027 using the details below\\.$`),
    );
  });

  it('the minimum severity holds a rule back below it', () => {
    // Prepare
    const medium = input(['government_id', 'payment_card'], { remedies: { rules, severity: 'MEDIUM', offeredAt } });
    // Act
    const offered = draftNotice(medium, 'en').remedyOffers?.map((o) => o.ruleId);
    // Assess
    expect(offered).toEqual(['card-replacement']);
    expect(draftNotice(input(['government_id', 'payment_card']), 'en').remedyOffers?.map((o) => o.ruleId)).toEqual(['credit-monitoring', 'card-replacement']);
  });

  it('a rule names several categories: a customer with any of them gets it once', () => {
    const stored = draftNotice(input(['bank_account', 'crypto_assets']), 'en');
    expect(personaliseNotice(stored, 'en', reader(['crypto_assets'])).offers).toHaveLength(1);
    expect(personaliseNotice(stored, 'en', reader(['bank_account', 'crypto_assets'])).offers).toHaveLength(1);
    expect(personaliseNotice(stored, 'en', reader(['email'])).offers).toEqual([]);
  });

  it('the deadline is a date in the customer own zone: the same instant is 19 February in Shanghai and 18 February in Los Angeles', () => {
    // Prepare: 90 days after 20:00 UTC on 20 November 2026 is 20:00 UTC on 18 February 2027.
    const stored = draftNotice(input(['government_id']), 'zh-CN');
    // Act
    const shanghai = personaliseNotice(stored, 'zh-CN', reader(['government_id'], 'Asia/Shanghai')).offers![0];
    const la = personaliseNotice(stored, 'zh-CN', reader(['government_id'], 'America/Los_Angeles')).offers![0];
    // Assess
    expect(stored.remedyOffers?.[0]?.deadlineAt).toBe('2027-02-18T20:00:00.000Z');
    expect(shanghai).toBe(`${zh['credit-monitoring']}请于2027年2月19日前通过下方联系方式申请。`);
    expect(la).toBe(`${zh['credit-monitoring']}请于2027年2月18日前通过下方联系方式申请。`);
  });

  it('a rule text overrides the catalogue in its locale only; a claim URL is written with the deadline', () => {
    // Prepare
    const own: RemedyRule[] = remedyRulesSchema.parse([
      {
        id: 'card',
        offer: 'card-replacement',
        categories: ['payment_card'],
        claim: { url: 'https://example.com/card', deadlineDays: 30 },
        text: { es: 'Le enviaremos una tarjeta nueva sin coste.' },
      },
    ]);
    const draft = (locale: 'en' | 'es') => draftNotice(input(['payment_card'], { remedies: { rules: own, severity: 'LOW', offeredAt } }), locale);
    // Act
    const es = personaliseNotice(draft('es'), 'es', reader(['payment_card'], 'Europe/Madrid')).offers;
    const english = personaliseNotice(draft('en'), 'en', reader(['payment_card'], 'Europe/Madrid')).offers;
    // Assess
    expect(es).toEqual([
      'Le enviaremos una tarjeta nueva sin coste. Para acogerse a esta oferta, visite https://example.com/card a más tardar el 20 de diciembre de 2026.',
    ]);
    expect(english).toEqual([`${en['card-replacement']} To take up this offer, visit https://example.com/card by 20 December 2026.`]);
  });

  it('the team own remedies follow the offers by rule, in one "What we are doing for you" block of the email', () => {
    // Prepare
    const stored = draftNotice(
      input(['payment_card', 'government_id'], { facts: { measures: [], advice: [], remedies: ['We waive all fees for three months'], ...allConfirmed } }),
      'en',
    );
    // Act
    const text = email(stored, 'en', reader(['payment_card']));
    // Assess
    const block = text.slice(text.indexOf('What we are doing for you'), text.indexOf('How to reach us'));
    expect(block).toBe(`What we are doing for you\n- ${en['card-replacement']}\n- We waive all fees for three months.\n\n`);
  });

  it('a customer offered nothing has no offers block and no SMS note; one offered something has both, within the SMS budget', () => {
    // Prepare
    // An update: its SMS leaves room for the note in one segment.
    const stored = draftNotice(
      input(['email', 'payment_card'], { kind: 'update', sequence: 2, previousFacts: { measures: [], advice: [], remedies: [], ...allConfirmed } }),
      'zh-CN',
    );
    // Act
    const nothing = personaliseNotice(stored, 'zh-CN', reader(['email'], 'Asia/Shanghai'));
    const card = personaliseNotice(stored, 'zh-CN', reader(['email', 'payment_card'], 'Asia/Shanghai'));
    // Assess
    expect(email(stored, 'zh-CN', reader(['email'], 'Asia/Shanghai'))).not.toContain(catalogues['zh-CN'].noticeEmail.remedies);
    expect(email(stored, 'zh-CN', reader(['payment_card'], 'Asia/Shanghai'))).toContain(
      `${catalogues['zh-CN'].noticeEmail.remedies}\n- ${zh['card-replacement']}`,
    );
    expect(nothing.sms).not.toContain(catalogues['zh-CN'].remedies.sms);
    expect(card.sms).toBe(`${nothing.sms}${catalogues['zh-CN'].remedies.sms}`);
    expect(smsSegments(card.sms).segments).toBe(1);
  });

  it('approvers see every offer, and how many customers each reaches, in the preview and the diff', () => {
    // Prepare
    const stored = draftNotice(
      input(['payment_card', 'password'], { remedies: { rules, severity: 'HIGH', offeredAt, reach: { 'card-replacement': 12, 'password-reset': 1 } } }),
      'en',
    );
    // Act
    const preview = noticePreviewText(stored, 'en', { timeZones: ['UTC'], smsRecipients: 0 });
    // Assess
    expect(preview).toContain(
      `Remedies offered by rule, and to how many customers\n- ${en['card-replacement']} Offered to 12 customers whose payment card details were involved.\n- ${en['password-reset']} Offered to 1 customer whose password (stored in hashed form) were involved.`,
    );
    expect(noticeTextForDiff(stored, 'en')).toEqual(expect.arrayContaining(['What we are doing for you', en['card-replacement'], en['password-reset']]));
  });
});

describe('remedy rules: the notice as staff read it', () => {
  it('exampleNotice: every offer the notice carried, dated in the zone asked for, then the team own', () => {
    // Prepare
    const sent = draftNotice(
      input(['government_id', 'payment_card'], { facts: { measures: [], advice: [], remedies: ['We waive all fees for three months'], ...allConfirmed } }),
      'en',
    );
    // Act
    const lines = exampleNotice(sent, 'en', 'Asia/Tokyo').offers;
    // Assess
    expect(lines).toEqual([
      `${en['credit-monitoring']} To take up this offer, contact us by 19 February 2027 using the details below.`,
      en['card-replacement'],
      'We waive all fees for three months.',
    ]);
  });
});

describe('remedy rules: drafting, updates and the final report', () => {
  function world(categories: Record<string, string[]>) {
    const clock = new FakeClock(Date.parse('2026-11-20T10:00:00Z'));
    const incidents = new FakeIncidents(clock);
    const at = '2026-11-20T08:00:00.000Z';
    const members = Object.entries(categories).map(([customerId, dataCategories]) => ({ customerId, dataCategories }));
    const byDataCategory: Record<string, number> = {};
    for (const m of members) for (const c of m.dataCategories) byDataCategory[c] = (byDataCategory[c] ?? 0) + 1;
    const incident: Incident = {
      incidentId,
      source: 'guardduty',
      findingKey: 'f',
      alarmSeverity: 8,
      title: 't',
      description: '',
      affectedResources: ['r'],
      firstSeenAt: at,
      status: 'OPEN',
      scope: 'KNOWN',
      severity: 'HIGH',
      createdAt: at,
    };
    incidents.incidents.set(incidentId, incident);
    const notices = new FakeNotices();
    const facts = new FakeFacts(clock);
    const confirmed = { measures: [], advice: [], remedies: [], ...allConfirmed };
    facts.versions.set(incidentId, [{ incidentId, version: 1, author: 'lead', at, locales: { en: confirmed, 'zh-CN': confirmed } }]);
    const deps: DraftDeps = {
      incidents,
      notices,
      facts,
      clock,
      locales: ['en', 'zh-CN'],
      remedyRules: rules,
      company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com' },
      settings: { cadenceSeconds: 7 * 24 * 3600, leadSeconds: 3600, approvalSeconds: 1800, escalationSeconds: 900 },
    };
    return { clock, incidents, notices, deps, members, byDataCategory };
  }

  it('the draft counts whom each offer reaches across the audience chunks; the update repeats the offers with the same deadlines', async () => {
    // Prepare: three chunks; a customer with both reimbursement categories counts once.
    const w = world({ a: ['payment_card'], b: ['payment_card', 'government_id'], c: ['bank_account', 'crypto_assets'], d: ['email'], e: ['crypto_assets'] });
    await w.incidents.saveAssessment(incidentId, {
      scope: 'KNOWN',
      severity: 'HIGH',
      impact: { affectedCustomers: 5, byDataCategory: w.byDataCategory, byJurisdiction: {}, byLocale: {}, byChannel: {} },
      chunks: [w.members.slice(0, 2), w.members.slice(2, 4), w.members.slice(4)],
    });
    // Act
    await draftNoticeStep(incidentId, 'first-notice', w.deps);
    await w.notices.setNoticeStatus(incidentId, 'first-notice-1', 'SENT');
    w.clock.current += 8 * 24 * 3600_000;
    await draftNoticeStep(incidentId, 'update', w.deps);
    // Assess
    const first = await w.notices.getNotice(incidentId, 'first-notice-1');
    const update = await w.notices.getNotice(incidentId, 'update-2');
    const offers = (n: Notice) => n.content.en!.remedyOffers!.map((o) => [o.ruleId, o.customers, o.deadlineAt ?? null]);
    expect(offers(first)).toEqual([
      ['credit-monitoring', 1, '2027-02-18T10:00:00.000Z'],
      ['card-replacement', 2, null],
      ['reimbursement', 2, '2027-05-19T10:00:00.000Z'],
    ]);
    expect(offers(update)).toEqual(offers(first));
    expect(update.content['zh-CN']!.remedyOffers!.map((o) => o.text)).toEqual([zh['credit-monitoring'], zh['card-replacement'], zh.reimbursement]);
  });

  it('rules of one category each are counted from the assessment, without reading the audience', async () => {
    // Prepare: the assessment's counts say 7 with card details; the chunks are not to be read.
    const w = world({ a: ['payment_card', 'password'] });
    await w.incidents.saveAssessment(incidentId, {
      scope: 'KNOWN',
      severity: 'HIGH',
      impact: { affectedCustomers: 9, byDataCategory: { payment_card: 7, password: 3, email: 9 }, byJurisdiction: {}, byLocale: {}, byChannel: {} },
      chunks: [w.members],
    });
    w.incidents.getAudienceChunk = () => Promise.reject(new Error('read the audience'));
    // Act
    await draftNoticeStep(incidentId, 'first-notice', w.deps);
    // Assess
    const offers = (await w.notices.getNotice(incidentId, 'first-notice-1')).content.en!.remedyOffers!;
    expect(offers.map((o) => [o.ruleId, o.customers])).toEqual([
      ['card-replacement', 7],
      ['password-reset', 3],
    ]);
  });

  it('an offer whose deadline has passed is not repeated', async () => {
    // Prepare
    const w = world({ a: ['government_id', 'payment_card'] });
    await w.incidents.saveAssessment(incidentId, {
      scope: 'KNOWN',
      severity: 'HIGH',
      impact: { affectedCustomers: 1, byDataCategory: w.byDataCategory, byJurisdiction: {}, byLocale: {}, byChannel: {} },
      chunks: [w.members],
    });
    await draftNoticeStep(incidentId, 'first-notice', w.deps);
    await w.notices.setNoticeStatus(incidentId, 'first-notice-1', 'SENT');
    // Act: 91 days on, credit monitoring's 90 days are over.
    w.clock.current += 91 * 24 * 3600_000;
    await draftNoticeStep(incidentId, 'update', w.deps);
    // Assess
    expect((await w.notices.getNotice(incidentId, 'update-2')).content.en!.remedyOffers!.map((o) => o.ruleId)).toEqual(['card-replacement']);
  });

  it('the final report says per remedy how many customers the notices sent offered it, in the report locale', async () => {
    // Prepare
    const offer = (ruleId: string, customers: number) => ({ ruleId, categories: ['payment_card'], text: 'x', customers });
    const content = (offers: ReturnType<typeof offer>[]) => ({ en: { ...draftNotice(input(['email'], { remedies: undefined }), 'en'), remedyOffers: offers } });
    const sent = noticeRecord({
      incidentId,
      noticeId: 'first-notice-1',
      kind: 'first-notice',
      sequence: 1,
      status: 'SENT',
      content: content([offer('card-replacement', 120), offer('password-reset', 7)]),
      createdAt: offeredAt,
      promisedNextUpdateAt: offeredAt,
    });
    const wider = noticeRecord({ ...sent, noticeId: 'update-2', kind: 'update', sequence: 2, content: content([offer('card-replacement', 130)]) });
    const pending = noticeRecord({ ...sent, noticeId: 'update-3', sequence: 3, status: 'PENDING_APPROVAL', content: content([offer('reimbursement', 50)]) });
    const clock = new FakeClock(Date.parse('2026-12-01T00:00:00Z'));
    const incidents = new FakeIncidents(clock);
    incidents.incidents.set(incidentId, {
      incidentId,
      source: 'macie',
      findingKey: 'f',
      alarmSeverity: 8,
      title: 't',
      description: '',
      affectedResources: [],
      firstSeenAt: offeredAt,
      status: 'CLOSED',
      scope: 'KNOWN',
      severity: 'HIGH',
      createdAt: offeredAt,
    });
    const notices = new FakeNotices();
    for (const n of [sent, wider, pending]) await notices.createNotice(n);
    const mail = new FakeEmail();
    // Act
    await sendFinalReport(incidentId, {
      incidents,
      notices,
      approvals: new FakeApprovals(clock),
      ledger: new FakeLedger(),
      email: mail,
      messaging: new FakeMessaging(),
      templatePrefix: 'bn',
      reportLocale: 'en',
      reportRecipients: ['t@example.com'],
      topicArn: 'arn:aws:sns:us-east-1:0:t',
    });
    // Assess
    expect(mail.templated[0]!.data.remedyLines).toEqual(['card-replacement: offered to 130 customers', 'password-reset: offered to 7 customers']);
    expect(remedyReportLines([sent], 'zh-CN')).toEqual(['card-replacement：已向 120 位客户提供', 'password-reset：已向 7 位客户提供']);
    expect(remediesOffered([pending])).toEqual([]);
    expect(remedyReportLines([pending], 'en')).toEqual(['No remedy rule applied to the notices sent.']);
  });
});

describe('remedy rules: the SMS', () => {
  const noFacts = { measures: [], advice: [], remedies: [], ...allConfirmed };
  const sms = (locale: 'zh-CN' | 'es', kind: 'first-notice' | 'update', categories: string[]) =>
    personaliseNotice(
      draftNotice(input(['payment_card', 'email'], kind === 'update' ? { kind, sequence: 2, previousFacts: noFacts } : {}), locale),
      locale,
      reader(categories, 'Europe/Madrid'),
    ).sms;

  it('a customer offered something is told so when it costs neither a segment nor words; never when it would', () => {
    // Act: the Chinese update leaves room for the note; the Spanish first notice does not.
    const withRoom = sms('zh-CN', 'update', ['payment_card']);
    const tight = sms('es', 'first-notice', ['payment_card']);
    // Assess
    expect(withRoom).toBe(`${sms('zh-CN', 'update', ['email'])}${catalogues['zh-CN'].remedies.sms}`);
    expect(smsSegments(withRoom).segments).toBe(1);
    expect(tight).not.toContain(catalogues.es.remedies.sms);
    expect(smsSegments(tight).segments).toBe(1);
    expect(tight).toBe(sms('es', 'first-notice', ['email']));
  });
});
