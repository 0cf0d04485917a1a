import { factsByLocaleSchema, factsFor, noticeFactsSchema, type FactsByLocale, type FactsVersion } from '../../functions/domain/facts.js';
import { supportedLocales, type Locale } from '../../functions/domain/locales.js';

/** A command line the operator must fix: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What `--clear` names, and the field each one empties. */
const CLEARABLE = {
  what: 'whatHappened',
  cause: 'cause',
  measures: 'measures',
  advice: 'advice',
  remedies: 'remedies',
  confirmed: 'confirmedActions',
} as const;
type Clearable = keyof typeof CLEARABLE;
const TEXT_FLAGS = { what: 'whatHappened', cause: 'cause' } as const;
/** `--confirm ACTION` (passwords-reset, api-keys-disabled, cards-replaced): an action the notices may state as done. */
const LIST_FLAGS = { measure: 'measures', advice: 'advice', remedy: 'remedies', confirm: 'confirmedActions' } as const;
type ListField = (typeof LIST_FLAGS)[keyof typeof LIST_FLAGS];

/** `edit` either changes one locale field by field, or replaces whole locales from a JSON file. */
export type EditFlags =
  | {
      kind: 'fields';
      locale: Locale;
      text: Partial<Record<'whatHappened' | 'cause', string>>;
      lists: Partial<Record<ListField, string[]>>;
      clear: Clearable[];
    }
  | { kind: 'file'; path: string };

/** Splits `--name value` and `--name=value`; every flag takes a value. */
function* flagPairs(args: readonly string[]): Generator<[string, string]> {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      yield [arg.slice(2, eq), arg.slice(eq + 1)];
      continue;
    }
    const value = args[i + 1];
    // A value that looks like a flag is almost always a forgotten value; `--what=--x` still says it.
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
    yield [arg.slice(2), value];
    i += 1;
  }
}

/** The flags of `edit INCIDENT_ID ...`, checked for shape; the values are checked against the schema when applied. */
export function parseEditFlags(args: readonly string[]): EditFlags {
  let locale: string | undefined;
  let file: string | undefined;
  const text: Partial<Record<'whatHappened' | 'cause', string>> = {};
  const lists: Partial<Record<ListField, string[]>> = {};
  const clear: Clearable[] = [];
  for (const [name, value] of flagPairs(args)) {
    if (name === 'locale') {
      if (locale !== undefined) throw new UsageError('--locale is given twice: edit one locale at a time, or use --file');
      locale = value;
    } else if (name === 'file') {
      if (file !== undefined) throw new UsageError('--file is given twice');
      file = value;
    } else if (name in TEXT_FLAGS) {
      const field = TEXT_FLAGS[name as keyof typeof TEXT_FLAGS];
      if (field in text) throw new UsageError(`--${name} is given twice`);
      text[field] = value;
    } else if (name in LIST_FLAGS) {
      (lists[LIST_FLAGS[name as keyof typeof LIST_FLAGS]] ??= []).push(value);
    } else if (name === 'clear') {
      if (!(value in CLEARABLE)) throw new UsageError(`--clear takes one of ${Object.keys(CLEARABLE).join(', ')}, not ${JSON.stringify(value)}`);
      clear.push(value as Clearable);
    } else {
      throw new UsageError(`unknown flag --${name}`);
    }
  }
  const changes = Object.keys(text).length + Object.keys(lists).length + clear.length;
  if (file !== undefined) {
    if (locale !== undefined || changes > 0) throw new UsageError('--file replaces whole locales: give it alone');
    return { kind: 'file', path: file };
  }
  if (locale === undefined) throw new UsageError('--locale (or --file) is required');
  if (!(supportedLocales as readonly string[]).includes(locale))
    throw new UsageError(`--locale must be one of ${supportedLocales.join(', ')}, not ${JSON.stringify(locale)}`);
  if (changes === 0) throw new UsageError('nothing to change: give --what, --cause, --measure, --advice, --remedy, --confirm or --clear');
  for (const name of clear) {
    const field = CLEARABLE[name];
    if (field in text || field in lists) throw new UsageError(`--clear ${name} contradicts a new value for it`);
  }
  return { kind: 'fields', locale: locale as Locale, text, lists, clear };
}

/** Schema failures as one line per problem, each naming its place (`zh-CN.measures.2: ...`). */
function problems(error: { issues: { path: PropertyKey[]; message: string }[] }, prefix = ''): string {
  return error.issues
    .map((i) => {
      const place = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
      return place ? `${place}: ${i.message}` : i.message;
    })
    .join('\n');
}

/**
 * The locales to save: for `fields`, the locale's facts in `latest` with the flags applied (a list
 * flag given at all replaces that list); for `file`, the file's locales as they are. Either way
 * validated by the facts schema, so the operator hears about a bad value before anything is saved.
 */
export function applyEditFlags(flags: EditFlags, latest: Pick<FactsVersion, 'locales'> | undefined, fileText?: string): FactsByLocale {
  if (flags.kind === 'file') {
    let json: unknown;
    try {
      json = JSON.parse(fileText ?? '');
    } catch (error) {
      throw new UsageError(`${flags.path} is not JSON: ${(error as Error).message}`);
    }
    const parsed = factsByLocaleSchema.safeParse(json);
    if (!parsed.success) throw new UsageError(`${flags.path} is not { "<locale>": facts }:\n${problems(parsed.error)}`);
    if (Object.keys(parsed.data).length === 0) throw new UsageError(`${flags.path} names no locale`);
    return parsed.data;
  }
  const next: Record<string, unknown> = { ...factsFor(latest, flags.locale), ...flags.text, ...flags.lists };
  // Removed, not set to undefined: the saved item carries only what the team wrote.
  for (const name of flags.clear) {
    const field = CLEARABLE[name];
    if (field === 'whatHappened' || field === 'cause') delete next[field];
    else next[field] = [];
  }
  const parsed = noticeFactsSchema.safeParse(next);
  if (!parsed.success) throw new UsageError(problems(parsed.error, flags.locale));
  return { [flags.locale]: parsed.data };
}

/** `facts INCIDENT_ID [--version N]`. */
export function parseFactsFlags(args: readonly string[]): { version?: number } {
  let version: number | undefined;
  for (const [name, value] of flagPairs(args)) {
    if (name !== 'version') throw new UsageError(`unknown flag --${name}`);
    if (version !== undefined) throw new UsageError('--version is given twice');
    if (!/^[1-9]\d{0,8}$/.test(value)) throw new UsageError(`--version must be a version number (1, 2, ...), not ${JSON.stringify(value)}`);
    version = Number(value);
  }
  return version === undefined ? {} : { version };
}
