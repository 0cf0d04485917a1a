import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { allEmailTemplates, templateName } from '../../functions/domain/email-templates.js';
import { chunk, summariseImpact } from '../../functions/domain/impact.js';
import { catalogues, resolveLocale } from '../../functions/domain/locales.js';
import { customerReplacementData, draftNotice, renderSms, type DraftInput } from '../../functions/domain/notice.js';
import { noticePreviewHtml } from '../../functions/domain/preview.js';

const impact = summariseImpact([
  { customerId: 'c1', locale: 'en-GB', country: 'GB', channels: ['email', 'sms'], dataCategories: ['email', 'password'] },
  { customerId: 'c2', locale: 'zh-CN', country: 'CN', channels: ['email'], dataCategories: ['email', 'email', 'payment_card'] },
  { customerId: 'c3', locale: 'zh-CN', country: 'CN', channels: ['email'], dataCategories: ['name'] },
]);

const input = (over: Partial<DraftInput> = {}): DraftInput => ({
  kind: 'first-notice',
  sequence: 1,
  incident: { incidentId: 'inc-20261120-0123456789ab', source: 'guardduty', firstSeenAt: '2026-11-20T08:10:00Z', impact },
  progressNotes: [],
  company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com/s' },
  nextUpdateAt: '2026-11-27T08:10:00Z',
  ...over,
});

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
  it('English first notice: what, when, which data, what we did, what to do, contacts, next update', () => {
    const n = draftNotice(input(), 'en');
    expect(n.subject).toBe('Important: a security incident at Example Co. affected your information');
    expect(n.whatHappened).toContain('20 November 2026');
    expect(n.whatHappened).toContain('3 customers may be affected');
    expect(n.whatHappened).toContain('email address, name, password (stored in hashed form) and payment card details');
    expect(n.actionsTaken[0]).toContain('security response team');
    expect(n.customerSteps.join(' ')).toMatch(/Change your password/);
    expect(n.customerSteps.join(' ')).toMatch(/two-factor/);
    expect(n.customerSteps.join(' ')).toMatch(/transactions/);
    expect(n.customerSteps.at(-1)).toMatch(/never ask/);
    expect(n.contact).toContain('help@example.com');
    expect(n.contact).toContain('https://status.example.com/s');
    expect(n.nextUpdate).toContain('27 November 2026');
  });

  it('Chinese first notice carries the same facts in Chinese', () => {
    const n = draftNotice(input(), 'zh-CN');
    expect(n.subject).toBe('重要通知：Example Co. 发生的安全事件涉及您的信息');
    expect(n.whatHappened).toContain('2026年11月20日');
    expect(n.whatHappened).toContain('共 3 位');
    expect(n.whatHappened).toContain('电子邮件地址、姓名、密码（以哈希形式存储）、银行卡信息');
    expect(n.customerSteps.join('')).toContain('修改密码');
    expect(n.contact).toContain('help@example.com');
  });

  it('updates carry the operators\' progress notes, or say plainly there is nothing new', () => {
    const withNotes = draftNotice(input({ kind: 'update', sequence: 2, progressNotes: ['Keys rotated.'] }), 'en');
    expect(withNotes.subject).toBe('Update 1 on the security incident at Example Co.');
    expect(withNotes.actionsTaken).toContain('Keys rotated.');
    const without = draftNotice(input({ kind: 'update', sequence: 3 }), 'zh-CN');
    expect(without.subject).toContain('第 2 次更新');
    expect(without.actionsTaken.at(-1)).toContain('暂无新的发现');
  });

  it('per-customer data and SMS text are filled per locale', () => {
    expect(customerReplacementData('王五', ['email', 'password'], 'zh-CN')).toEqual({
      customerName: '王五',
      affectedData: '电子邮件地址、密码（以哈希形式存储）',
      customerNameHtml: '王五',
      affectedDataHtml: '电子邮件地址、密码（以哈希形式存储）',
    });
    const en = draftNotice(input(), 'en');
    expect(renderSms(en, 'email address')).toMatch(/^Example Co\.: a security incident on .* involved your email address\./);
    expect(catalogues.en.formatList(['a'])).toBe('a');
  });

  it('the approval preview escapes HTML from any source', () => {
    const n = draftNotice(input({ progressNotes: ['<script>alert(1)</script>'] }), 'en');
    const html = noticePreviewHtml(n, 'en');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
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
    const n = draftNotice(input({ kind: 'update', sequence: 2 }), 'es');
    expect(n.subject).toBe('Actualización 1 sobre el incidente de seguridad en Example Co.');
    expect(n.whatHappened).toMatch(/^El 20 de noviembre de 2026 a las 8:10 \(UTC\), nuestro sistema de supervisión/);
    expect(n.whatHappened).toContain('Es posible que 3 clientes se hayan visto afectados.');
    expect(n.whatHappened).toContain('dirección de correo electrónico, nombre, contraseña (almacenada en forma de hash) y datos de la tarjeta de pago.');
    expect(n.actionsTaken.at(-1)).toBe('La investigación continúa; no hay novedades desde nuestro último mensaje.');
    expect(catalogues.es.formatTime('2026-11-20T01:05:00Z')).toBe('20 de noviembre de 2026 a la 1:05 (UTC)');
    expect(catalogues.es.formatList(['nombre', 'historial de transacciones'])).toBe('nombre e historial de transacciones');
    const one = draftNotice(input({ incident: { ...input().incident, impact: { ...impact, affectedCustomers: 1 } } }), 'es');
    expect(one.whatHappened).toContain('Es posible que 1 cliente se haya visto afectado.');
  });

  it('every variable a notice template uses is one drafting or the per-customer data provides', () => {
    const data = { ...draftNotice(input(), 'en'), ...customerReplacementData('Ann', ['email'], 'en'), incidentId: 'inc-1' };
    for (const t of allEmailTemplates('bn').filter((t) => !t.name.includes('final-report'))) {
      for (const v of variablesIn(`${t.subject}${t.html}${t.text}`)) expect(valueAt(data, v), `${t.name}: ${v}`).toBeDefined();
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
      for (const v of variablesIn(t.html)) expect(isHtmlVariable(v), `${t.name} html: ${v}`).toBe(true);
      for (const v of variablesIn(`${t.subject}${t.text}`)) expect(isHtmlVariable(v), `${t.name} text: ${v}`).toBe(false);
    }
  });

  it('a hostile name and note render the same with and without Handlebars escaping (SES and the twin): escaped in HTML, plain in text', () => {
    const content = draftNotice(input({ kind: 'update', sequence: 2, progressNotes: [hostile] }), 'en');
    const data = { ...content, ...customerReplacementData(hostile, ['email'], 'en'), incidentId: 'inc-1' };
    const template = allEmailTemplates('bn').find((t) => t.name === 'bn-update-en')!;
    const [sesHtml, twinHtml] = [false, true].map((noEscape) => handlebars.compile(template.html, { noEscape })(data));
    const [sesText, twinText] = [false, true].map((noEscape) => handlebars.compile(template.text, { noEscape })(data));
    expect(sesHtml).toBe(twinHtml);
    expect(sesText).toBe(twinText);
    expect(sesHtml).toContain(`Dear ${escaped},`);
    expect(sesHtml).toContain(`<li>${escaped}</li>`);
    expect(sesHtml).not.toMatch(/<b>|<script>/);
    expect(sesText).toContain(`Dear ${hostile},`);
    expect(sesText).toContain(`- ${hostile}`);
  });
});

const handlebars = createRequire(createRequire(import.meta.url).resolve('aws-ses-v2-local'))('handlebars') as {
  compile: (source: string, options: { noEscape: boolean }) => (data: unknown) => string;
};

/** Variable paths a template reads: `{{{a.b}}}`, `{{#each a.b}}`; `this` excluded. */
function variablesIn(source: string): string[] {
  return [...source.matchAll(/\{\{\{?(?:#each )?([A-Za-z.]+)\}?\}\}/g)].map((m) => m[1]!).filter((v) => v !== 'this');
}

function isHtmlVariable(path: string): boolean {
  return path.startsWith('html.') || path.endsWith('Html');
}

function valueAt(data: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], data);
}
