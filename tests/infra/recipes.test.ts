import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { supportedLocales } from '../../functions/domain/locales.js';

/**
 * The recipes of docs/extending.md, done: each adds a locale or a channel to a copy of the tree, runs
 * the type check and the tests that cover the change there, and counts the files it had to touch. A
 * change to the code that makes a recipe touch one more file (a new table keyed by locale or channel,
 * a port every test must pass) fails here until the recipe, its count and the page say so.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin');
/** The test the harness adds to look inside a result; not part of any recipe. */
const PROBE = 'tests/unit/recipe-probe.test.ts';

/** A copy of the tree as git sees it (tracked and new files, not ignored ones), node_modules linked. */
class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'recipe-'));
  private readonly before: Map<string, string>;

  constructor() {
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
    for (const path of listed.split('\0')) {
      if (!path || path === 'node_modules' || !existsSync(join(ROOT, path))) continue;
      cpSync(join(ROOT, path), join(this.dir, path));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(this.dir, 'node_modules'));
    this.before = this.hashes();
  }

  read(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8');
  }

  write(path: string, text: string): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
  }

  /** Each `from` must occur exactly once: a recipe step that no longer applies fails loudly. */
  edit(path: string, ...swaps: [from: string, to: string][]): void {
    let text = this.read(path);
    for (const [from, to] of swaps) {
      const at = text.indexOf(from);
      if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`${path}: expected ${JSON.stringify(from)} exactly once`);
      text = text.replace(from, () => to);
    }
    this.write(path, text);
  }

  /** Files added or changed since the copy, the harness's probe left out. */
  touched(): string[] {
    return [...this.hashes()]
      .filter(([path, hash]) => path !== PROBE && this.before.get(path) !== hash)
      .map(([path]) => path)
      .sort();
  }

  /** Called when a recipe passed; a failed one's copy stays, named in the failure, to look into. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private hashes(): Map<string, string> {
    const files = readdirSync(this.dir, { recursive: true, withFileTypes: true }).filter(
      (e) => e.isFile() && !e.parentPath.startsWith(join(this.dir, 'node_modules')),
    );
    return new Map(
      files.map((e) => [
        join(e.parentPath, e.name).slice(this.dir.length + 1),
        createHash('sha256')
          .update(readFileSync(join(e.parentPath, e.name)))
          .digest('hex'),
      ]),
    );
  }
}

interface Checked {
  what: string;
  ok: boolean;
  output: string;
}

/** A command in the scratch tree, with the environment of a developer's shell (not this test run's). */
function inTree(tree: Scratch, what: string, command: string, args: string[], env: Record<string, string> = {}): Promise<Checked> {
  const shell = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  return new Promise((resolve) => {
    execFile(command, args, { cwd: tree.dir, env: { ...shell, NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ what, ok: !error, output: `${stdout}${stderr}` }),
    );
  });
}

/** The type check of the whole tree and the given unit tests, side by side. */
async function checks(tree: Scratch, tests: string[], opts: { testNamePattern?: string; env?: Record<string, string> } = {}): Promise<Checked[]> {
  const pattern = opts.testNamePattern ? ['-t', opts.testNamePattern] : [];
  return Promise.all([
    inTree(tree, 'tsc --noEmit -p .', join(BIN, 'tsc'), ['--noEmit', '-p', '.']),
    inTree(tree, `vitest run ${tests.join(' ')}`, join(BIN, 'vitest'), ['run', '--project', 'unit', '--reporter=verbose', ...pattern, ...tests], opts.env),
  ]);
}

/** Every file docs/extending.md lists in the section's first table, with its placeholders filled. */
function documented(section: string, names: Record<string, string>): { files: string[]; count: number } {
  const page = readFileSync(join(ROOT, 'docs/extending.md'), 'utf8');
  const start = page.indexOf(`\n## ${section}\n`);
  const body = page.slice(start + 1).split(/\n## /)[0]!;
  const count = Number(/\*\*(\d+) files\*\*/.exec(body)?.[1]);
  const rows = body.slice(body.indexOf('\n|')).split('\n\n')[0]!.split('\n').slice(3);
  const files = rows.flatMap((row) =>
    [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/<(\w+)>/g, (_, k: string) => names[k] ?? `<${k}>`)),
  );
  return { files: files.sort(), count };
}

describe('docs/extending.md recipes, done in a copy of the tree', () => {
  it('a locale: ja, a copy of the Spanish catalogue under another code, touches at most 4 files', { timeout: 300_000 }, async () => {
    // Prepare
    const tree = new Scratch();
    // Act: the recipe, step by step as the page gives it.
    tree.write('functions/domain/locales/ja.ts', tree.read('functions/domain/locales/es.ts'));
    tree.edit(
      'functions/domain/locales/ja.ts',
      ['export const es: LocaleCatalogue', 'export const ja: LocaleCatalogue'],
      ["language: 'es',", "language: 'ja',"],
      ['export const esDrafting: DraftingTexts', 'export const jaDrafting: DraftingTexts'],
    );
    tree.edit(
      'functions/domain/locales.ts',
      [
        "import { es, esDrafting } from './locales/es.js';",
        "import { es, esDrafting } from './locales/es.js';\nimport { ja, jaDrafting } from './locales/ja.js';",
      ],
      ['es } as const satisfies', 'es, ja } as const satisfies'],
      ['es: esDrafting };', 'es: esDrafting, ja: jaDrafting };'],
    );
    tree.write('tests/fixtures/notices/ja.json', tree.read('tests/fixtures/notices/es.json'));
    // Not the recipe's business: the other locales' snapshots, and the rendering matrices (a native
    // reader's checks on the wording, a minute of rendering per locale; the ja snapshot renders it).
    const others = supportedLocales.join('|');
    const results = await checks(
      tree,
      [
        'tests/unit/locale-catalogues.test.ts',
        'tests/unit/notice-rendering.test.ts',
        'tests/unit/remedies.test.ts',
        'tests/unit/drill.test.ts',
        'tests/unit/operator-api.test.ts',
      ],
      // The new locale's snapshot is written, as the page says (then a reader reviews it).
      { testNamePattern: `^(?!.*(?:every kind x data categories|notices/(?:${others})\\.txt))`, env: { UPDATE_NOTICE_SNAPSHOTS: '1' } },
    );
    // Assess
    for (const r of results) expect(r.ok, `${r.what} failed in ${tree.dir}:\n${r.output.slice(-6000)}`).toBe(true);
    expect(results[1]!.output).toMatch(/notices\/ja\.txt is what customers receive/);
    const touched = tree.touched();
    expect(touched.length).toBeLessThanOrEqual(4);
    expect(documented('A language', { locale: 'ja' })).toEqual({ files: touched, count: touched.length });
    tree.remove();
  });

  it('a channel: chat, with its own directory column, wording and provider port, touches at most 13 files', { timeout: 300_000 }, async () => {
    // Prepare
    const tree = new Scratch();
    // Act: the recipe.
    tree.write('functions/domain/channels/chat.ts', CHAT_CHANNEL);
    tree.edit(
      'functions/domain/channels/registry.ts',
      [
        "import type { EmailSender, Messaging } from '../ports.js';",
        "import type { ChatSender, EmailSender, Messaging } from '../ports.js';\nimport { chatChannel } from './chat.js';",
      ],
      ['  messaging: Messaging;\n', '  messaging: Messaging;\n  chat: ChatSender;\n'],
      ['  sms: smsChannel,\n', '  sms: smsChannel,\n  chat: chatChannel,\n'],
    );
    tree.edit('functions/domain/ports.ts', [
      'export interface Messaging {',
      '/** A chat provider: one message to one handle, answering its message id. */\nexport interface ChatSender {\n  sendChat(handle: string, text: string): Promise<string>;\n}\n\nexport interface Messaging {',
    ]);
    tree.write('functions/adapters/chat-sender.ts', CHAT_ADAPTER);
    tree.edit(
      'functions/handlers/send-notices.ts',
      [
        "import { SnsMessaging } from '../adapters/messaging.js';",
        "import { SnsMessaging } from '../adapters/messaging.js';\nimport { HttpChatSender } from '../adapters/chat-sender.js';",
      ],
      [
        '  messaging: new SnsMessaging(sns, config.SMS_SENDER_ID),\n',
        "  messaging: new SnsMessaging(sns, config.SMS_SENDER_ID),\n  chat: new HttpChatSender('https://chat.example/send'),\n",
      ],
    );
    tree.edit('functions/domain/customer.ts', ['  phone?: string;\n', '  phone?: string;\n  chatHandle?: string;\n']);
    tree.edit(
      'functions/domain/customer-import.ts',
      ["export const OPTIONAL_COLUMNS = ['time_zone', 'region'] as const;", "export const OPTIONAL_COLUMNS = ['time_zone', 'region', 'chat_handle'] as const;"],
      [
        "'region must be an ISO 3166-2 code, like US-CA, or the state code, like CA')\n      .default(''),\n",
        "'region must be an ISO 3166-2 code, like US-CA, or the state code, like CA')\n      .default(''),\n    chat_handle: z.string().max(100).default(''),\n",
      ],
      [
        "'channel sms needs a phone number');",
        "'channel sms needs a phone number')\n  .refine((r) => !r.channels.includes('chat') || r.chat_handle !== '', 'channel chat needs a chat handle');",
      ],
      ['        phone: r.phone || undefined,\n', '        phone: r.phone || undefined,\n        chatHandle: r.chat_handle || undefined,\n'],
    );
    tree.edit(
      'functions/domain/notice.ts',
      [
        '  footer: string;\n  sms: string;\n}',
        '  footer: string;\n  sms: string;\n  /** The chat message: short, pointing to the incident page. */\n  chat: string;\n}',
      ],
      [
        '    sms: draftSms(',
        "    chat: c.chat[kind === 'first-notice' ? 'first' : kind]({ company: company.name, url: incidentPageLink(company.incidentPageUrl, incident.incidentId, locale) }),\n    sms: draftSms(",
      ],
      ["'subject' | 'sms' | 'remedyOffers'>", "'subject' | 'sms' | 'chat' | 'remedyOffers'>"],
    );
    tree.edit(
      'functions/domain/locales/catalogue.ts',
      ['  sms: SmsTexts;\n', '  sms: SmsTexts;\n  chat: ChatTexts;\n'],
      [
        'export interface SmsTexts {',
        "/** Each kind's chat message. */\nexport type ChatTexts = Record<'first' | 'update' | 'closing', (p: { company: string; url: string }) => string>;\n\nexport interface SmsTexts {",
      ],
    );
    for (const [file, words] of Object.entries(CHAT_WORDS))
      tree.edit(`functions/domain/locales/${file}`, ['  sms: {\n', `  chat: {\n${words}  },\n  sms: {\n`]);
    tree.edit('tests/support/channels.ts', ["messaging: notGiven('messaging'),", "messaging: notGiven('messaging'), chat: notGiven('chat'),"]);
    const touched = tree.touched();
    tree.write(PROBE, CHAT_PROBE);
    const results = await checks(tree, [
      PROBE,
      'tests/unit/send-notices.test.ts',
      'tests/unit/drill.test.ts',
      'tests/unit/customer-import.test.ts',
      'tests/unit/notice.test.ts',
      'tests/unit/locale-catalogues.test.ts',
    ]);
    // Assess
    for (const r of results) expect(r.ok, `${r.what} failed in ${tree.dir}:\n${r.output.slice(-6000)}`).toBe(true);
    expect(results[1]!.output).toMatch(/recipe-probe\.test\.ts > a customer who chose chat/);
    expect(touched.length).toBeLessThanOrEqual(13);
    expect(documented('A channel', { name: 'chat', provider: 'chat-sender' })).toEqual({ files: touched, count: touched.length });
    tree.remove();
  });
});

const CHAT_CHANNEL = `import type { ChatSender } from '../ports.js';
import { NoticeContentMissingError } from '../../shared/errors.js';
import type { DeliveryChannel } from './channel.js';

/** Chat messages, one call per handle; a refusal fails that recipient alone. */
export function chatChannel(ports: { chat: ChatSender }): DeliveryChannel {
  return {
    name: 'chat',
    batchSize: 10,
    address: (profile) => (profile.channels.includes('chat') ? profile.chatHandle : undefined),
    prepare(notice, locale, recipients) {
      const content = notice.content[locale];
      if (!content) throw new NoticeContentMissingError(\`Notice \${notice.noticeId} has no \${locale} wording\`);
      return () =>
        Promise.all(
          recipients.map(async (r) => {
            try {
              return { status: 'SENT' as const, providerMessageId: await ports.chat.sendChat(r.address, content.chat) };
            } catch (error) {
              return { status: 'FAILED' as const, reason: (error as Error).name };
            }
          }),
        );
    },
  };
}
`;

const CHAT_ADAPTER = `import type { ChatSender } from '../domain/ports.js';

export class HttpChatSender implements ChatSender {
  constructor(private readonly url: string) {}

  async sendChat(handle: string, text: string): Promise<string> {
    const response = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: handle, text }) });
    if (!response.ok) throw new Error(\`chat provider answered \${response.status}\`);
    return ((await response.json()) as { id: string }).id;
  }
}
`;

/** Catalogue entries as source: each kind's sentence, {company} and {url} filled by the entry's parameters. */
function chatEntries(sentences: Record<'first' | 'update' | 'closing', string>): string {
  const source = (sentence: string) => sentence.replace('{company}', `\${p.company}`).replace('{url}', `\${p.url}`);
  return Object.entries(sentences)
    .map(([kind, sentence]) => `    ${kind}: (p) => \`${source(sentence)}\`,\n`)
    .join('');
}

const CHAT_WORDS: Record<string, string> = {
  'en.ts': chatEntries({
    first: '{company}: we had a security incident that may affect you. Details: {url}',
    update: '{company}: news about our security incident. Details: {url}',
    closing: '{company}: our security incident is closed. Details: {url}',
  }),
  'zh-CN.ts': chatEntries({
    first: '{company}：我们发生了一起可能影响您的安全事件。详情：{url}',
    update: '{company}：安全事件的最新进展。详情：{url}',
    closing: '{company}：安全事件已结束。详情：{url}',
  }),
  'es.ts': chatEntries({
    first: '{company}: sufrimos un incidente de seguridad que puede afectarle. Detalles: {url}',
    update: '{company}: novedades sobre nuestro incidente de seguridad. Detalles: {url}',
    closing: '{company}: nuestro incidente de seguridad está cerrado. Detalles: {url}',
  }),
};

/** Not part of the recipe: shows the new channel reaches a customer from the directory file to the provider. */
const CHAT_PROBE = `import { expect, it } from 'vitest';
import { parseCustomerFile } from '../../functions/domain/customer-import.js';
import { draftNotice } from '../../functions/domain/notice.js';
import { testChannels } from '../support/channels.js';
import { noticeRecord } from '../support/notices.js';

it('a customer who chose chat gets the notice in their language through the chat port', async () => {
  const file = 'id,name,email,phone,locale,country,channels,resources,data_categories,time_zone,region,chat_handle\\nc1,Ana,,,es,ES,chat,r,email,,,@ana\\n';
  const { customers, errors } = parseCustomerFile(file);
  expect(errors).toEqual([]);
  expect(parseCustomerFile(file.replace(',@ana', ',')).errors).toEqual([{ line: 2, reason: 'channel chat needs a chat handle' }]);
  const sent: [string, string][] = [];
  const chat = testChannels({ chat: { sendChat: async (handle: string, text: string) => (sent.push([handle, text]), 'm-1') } }).find((c) => c.name === 'chat')!;
  const profile = customers[0]!.profile;
  const impact = { affectedCustomers: 1, byDataCategory: { email: 1 }, byJurisdiction: {}, byLocale: {}, byChannel: {} };
  const at = new Date().toISOString();
  const company = { name: 'Acme Bank', contact: 'help@acme.example', incidentPageUrl: 'https://status.acme.example' };
  const content = draftNotice({ kind: 'first-notice', sequence: 1, incident: { incidentId: 'inc-20261120-0123456789ab', source: 'manual', firstSeenAt: at, impact }, facts: { measures: [], advice: [], remedies: [] }, company, nextUpdateAt: at }, 'es');
  const notice = noticeRecord({ incidentId: 'inc-20261120-0123456789ab', noticeId: 'first-notice-1', kind: 'first-notice', sequence: 1, status: 'APPROVED', content: { es: content }, createdAt: at, promisedNextUpdateAt: at });
  const recipient = { customerId: profile.customerId, locale: 'es' as const, address: chat.address(profile)!, name: profile.name, dataCategories: ['email'], timeZone: 'UTC' };
  expect(await chat.prepare(notice, 'es', [recipient])()).toEqual([{ status: 'SENT', providerMessageId: 'm-1' }]);
  expect(sent).toEqual([['@ana', 'Acme Bank: sufrimos un incidente de seguridad que puede afectarle. Detalles: https://status.acme.example/inc-20261120-0123456789ab/es.html']]);
});
`;
