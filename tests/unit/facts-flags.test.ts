import { describe, expect, it } from 'vitest';
import type { FactsVersion } from '../../functions/domain/facts.js';
import { applyEditFlags, parseEditFlags, parseFactsFlags } from '../../local/tools/facts-flags.js';

const latest: Pick<FactsVersion, 'locales'> = {
  locales: {
    en: {
      whatHappened: 'A bucket was public.',
      cause: 'A wrong policy.',
      measures: ['Closed the bucket', 'Rotated keys'],
      advice: ['Change your password'],
      remedies: [],
    },
    'zh-CN': { whatHappened: '存储桶被公开。', measures: ['关闭了存储桶'], advice: [], remedies: [] },
  },
};

describe('npm run incident -- edit: flags', () => {
  it('changes the named fields of one locale and keeps the rest of it; a repeated list flag replaces that list', () => {
    // Prepare
    const flags = parseEditFlags([
      '--locale',
      'en',
      '--cause',
      'A policy typed by hand.',
      '--measure',
      'Closed the bucket',
      '--measure=Reset passwords',
      '--remedy',
      'A year of credit monitoring',
    ]);
    // Act
    const locales = applyEditFlags(flags, latest);
    // Assess
    expect(locales).toEqual({
      en: {
        whatHappened: 'A bucket was public.',
        cause: 'A policy typed by hand.',
        measures: ['Closed the bucket', 'Reset passwords'],
        advice: ['Change your password'],
        remedies: ['A year of credit monitoring'],
      },
    });
  });

  it('--clear empties a text field (removed, not blank) or a list', () => {
    // Prepare
    const flags = parseEditFlags(['--locale', 'en', '--clear', 'cause', '--clear', 'advice']);
    // Act
    const locales = applyEditFlags(flags, latest);
    // Assess
    expect(locales.en).toEqual({ whatHappened: 'A bucket was public.', measures: ['Closed the bucket', 'Rotated keys'], advice: [], remedies: [] });
    expect(locales.en).not.toHaveProperty('cause');
  });

  it('--confirm records an action the notices may state as done; an unknown one is refused; --clear confirmed takes them back', () => {
    const confirmed = applyEditFlags(parseEditFlags(['--locale', 'en', '--confirm', 'passwords-reset']), latest);
    expect(confirmed.en?.confirmedActions).toEqual(['passwords-reset']);
    expect(() => applyEditFlags(parseEditFlags(['--locale', 'en', '--confirm', 'everything-fixed']), latest)).toThrow(/en\.confirmedActions\.0/);
    const cleared = applyEditFlags(parseEditFlags(['--locale', 'en', '--clear', 'confirmed']), { locales: { en: confirmed.en! } });
    expect(cleared.en?.confirmedActions).toEqual([]);
  });

  it('the first edit of a locale starts from empty facts', () => {
    // Prepare
    const flags = parseEditFlags(['--locale', 'zh-CN', '--advice', '警惕钓鱼邮件']);
    // Act
    const locales = applyEditFlags(flags, undefined);
    // Assess
    expect(locales).toEqual({ 'zh-CN': { measures: [], advice: ['警惕钓鱼邮件'], remedies: [] } });
  });

  it('--file replaces whole locales, validated by the facts schema (defaults filled in)', () => {
    // Prepare
    const flags = parseEditFlags(['--file', 'facts.json']);
    const text = JSON.stringify({ en: { whatHappened: ' Trimmed. ', measures: ['Closed the bucket'] }, 'zh-CN': { cause: '策略错误' } });
    // Act
    const locales = applyEditFlags(flags, latest, text);
    // Assess
    expect(flags).toEqual({ kind: 'file', path: 'facts.json' });
    expect(locales).toEqual({
      en: { whatHappened: 'Trimmed.', measures: ['Closed the bucket'], advice: [], remedies: [] },
      'zh-CN': { cause: '策略错误', measures: [], advice: [], remedies: [] },
    });
  });

  it.each([
    [[], '--locale (or --file) is required'],
    [['--locale', 'en'], 'nothing to change: give --what, --cause, --measure, --advice, --remedy, --confirm or --clear'],
    [['--locale', 'fr', '--what', 'x'], '--locale must be one of en, zh-CN, es, not "fr"'],
    [['--locale', 'en', '--locale', 'zh-CN', '--what', 'x'], '--locale is given twice: edit one locale at a time, or use --file'],
    [['--locale', 'en', '--what'], '--what needs a value'],
    [['--locale', 'en', '--what', '--cause', 'x'], '--what needs a value'],
    [['--locale', 'en', '--what', 'a', '--what', 'b'], '--what is given twice'],
    [['--locale', 'en', '--colour', 'red'], 'unknown flag --colour'],
    [['--locale', 'en', 'loose words'], 'unexpected argument "loose words"'],
    [['--locale', 'en', '--clear', 'everything'], '--clear takes one of what, cause, measures, advice, remedies, confirmed, not "everything"'],
    [['--locale', 'en', '--clear', 'what', '--what', 'x'], '--clear what contradicts a new value for it'],
    [['--locale', 'en', '--clear', 'measures', '--measure', 'x'], '--clear measures contradicts a new value for it'],
    [['--file', 'f.json', '--locale', 'en'], '--file replaces whole locales: give it alone'],
  ])('refuses %j: %s', (args, message) => {
    // Act
    const act = () => parseEditFlags(args);
    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'UsageError', message }));
  });

  it('values the schema refuses are named by locale and field before anything is saved', () => {
    // Prepare
    const flags = parseEditFlags(['--locale', 'en', '--what', '   ', '--measure', 'x'.repeat(601)]);
    // Act
    const act = () => applyEditFlags(flags, latest);
    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(/^en\.whatHappened: .+\nen\.measures\.0: .+$/) }));
  });

  it('a file that is not JSON, or not facts by locale, is refused with the reason', () => {
    // Prepare
    const flags = parseEditFlags(['--file', 'facts.json']);
    // Act
    const results = ['{', '{"fr":{}}', '{"en":{"measures":"one"}}', '{}'].map((text): string[] => {
      try {
        applyEditFlags(flags, latest, text);
        return [];
      } catch (error) {
        return (error as Error).message.split('\n');
      }
    });
    // Assess
    expect(results[0]![0]).toMatch(/^facts\.json is not JSON: /);
    expect(results[1]).toEqual(['facts.json is not { "<locale>": facts }:', expect.stringContaining('"fr"')]);
    expect(results[2]).toEqual(['facts.json is not { "<locale>": facts }:', expect.stringMatching(/^en\.measures: /)]);
    expect(results[3]).toEqual(['facts.json names no locale']);
  });
});

describe('npm run incident -- facts: flags', () => {
  it('no flag is the latest version; --version N is that one', () => {
    // Act
    const results = [parseFactsFlags([]), parseFactsFlags(['--version', '3']), parseFactsFlags(['--version=12'])];
    // Assess
    expect(results).toEqual([{}, { version: 3 }, { version: 12 }]);
  });

  it.each([
    [['--version', '0'], '--version must be a version number (1, 2, ...), not "0"'],
    [['--version', 'latest'], '--version must be a version number (1, 2, ...), not "latest"'],
    [['--version', '1', '--version', '2'], '--version is given twice'],
    [['--locale', 'en'], 'unknown flag --locale'],
  ])('refuses %j', (args, message) => {
    // Act
    const act = () => parseFactsFlags(args);
    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'UsageError', message }));
  });
});
