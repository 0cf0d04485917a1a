import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ImpactSummary, SeverityLevel } from '../../functions/domain/incident.js';
import { severityLevels } from '../../functions/domain/incident.js';
import { applicableObligations, deadlineFor, isUsBusinessDay, reminderTimes, type EvaluationInput } from '../../functions/domain/obligations/evaluate.js';
import { obligationsMarkdown, TABLE_END, TABLE_START } from '../../functions/domain/obligations/markdown.js';
import {
  deadlineOutcome,
  draftRegulatorReport,
  finalReportRegulatorLines,
  newObligationRecord,
  type ObligationRecord,
} from '../../functions/domain/obligations/record.js';
import { OBLIGATIONS, type ObligationRow, type TriggerCondition } from '../../functions/domain/obligations/table.js';
import { catalogues } from '../../functions/domain/locales.js';

function impactOf(countries: Record<string, number>, categories: string[]): ImpactSummary {
  const total = Object.values(countries).reduce((n, c) => n + c, 0);
  return {
    affectedCustomers: total,
    byJurisdiction: countries,
    byDataCategory: Object.fromEntries(categories.map((c) => [c, total])),
    byLocale: { en: total },
    byChannel: { email: total },
  };
}

/** The smallest input that satisfies `c` alone. */
function inputFor(c: TriggerCondition): EvaluationInput {
  const needsImpact = c.countries || c.dataCategories || c.minAffected !== undefined;
  return {
    sectors: c.sectors ? [c.sectors[0]!] : [],
    severity: c.minSeverity ?? 'LOW',
    impact: needsImpact ? impactOf({ [c.countries?.[0] ?? 'ZZ']: c.minAffected ?? 1 }, c.dataCategories ? [c.dataCategories[0]!] : ['email']) : undefined,
  };
}

/** The same input with one requirement of `c` no longer met. */
function breakings(c: TriggerCondition): [string, EvaluationInput][] {
  const base = inputFor(c);
  const out: [string, EvaluationInput][] = [];
  if (c.sectors) out.push(['without the sector', { ...base, sectors: [] }]);
  if (c.minSeverity && c.minSeverity !== 'LOW')
    out.push(['one severity lower', { ...base, severity: severityLevels[severityLevels.indexOf(c.minSeverity) - 1]! }]);
  if (c.countries)
    out.push(['customers elsewhere', { ...base, impact: impactOf({ ZZ: c.minAffected ?? 1 }, c.dataCategories ? [c.dataCategories[0]!] : ['email']) }]);
  if (c.dataCategories) out.push(['other data', { ...base, impact: impactOf({ [c.countries?.[0] ?? 'ZZ']: c.minAffected ?? 1 }, ['email', 'name']) }]);
  if (c.minAffected !== undefined)
    out.push([
      'one customer short',
      { ...base, impact: impactOf({ [c.countries?.[0] ?? 'ZZ']: c.minAffected - 1 }, c.dataCategories ? [c.dataCategories[0]!] : ['email']) },
    ]);
  return out;
}

const ids = (input: EvaluationInput) => applicableObligations(input, OBLIGATIONS).map((a) => a.row.id);

describe('the obligations table', () => {
  it('has unique ids, a source, a summary and a check note on every row', () => {
    // Prepare
    const rowIds = OBLIGATIONS.map((r) => r.id);
    // Assess
    expect(new Set(rowIds).size).toBe(rowIds.length);
    for (const row of OBLIGATIONS) {
      expect(row.sources.length, row.id).toBeGreaterThan(0);
      for (const url of row.sources) expect(url, row.id).toMatch(/^https?:\/\//);
      expect(row.summary.length, row.id).toBeGreaterThan(40);
      expect(row.checked.length, row.id).toBeGreaterThan(0);
    }
  });

  it.each([
    'eu-gdpr-art33',
    'eu-gdpr-art34',
    'cn-pipl-art57',
    'cn-cac-incident-4h',
    'us-nydfs-500-17',
    'us-sec-8k-1-05',
    'us-hipaa-individuals',
    'us-hipaa-hhs',
    'us-hipaa-media',
    'us-co-6-1-716',
    'us-fl-501-171',
    'us-wa-19-255-010',
    'sg-pdpa-26d',
    'au-ndb-assessment',
    'eu-nis2-early-warning',
    'eu-nis2-notification',
    'eu-nis2-final-report',
    'us-bank-36h',
    'cn-cac-cii-1h',
    'uk-gdpr-art33',
    'uk-gdpr-art34',
    'us-nydfs-500-17c-payment',
    'us-nydfs-500-17c-explanation',
    'us-ca-1798-82',
    'us-ca-1798-82-ag',
    'us-ny-899-aa',
    'us-ny-899-aa-authorities',
    'us-tx-521-053',
    'us-tx-521-053-ag',
    'ca-pipeda-10-1',
    'ca-pipeda-10-3-record',
    'jp-appi-26-preliminary',
    'jp-appi-26-final',
    'in-certin-6h',
    'in-dpdp-rule7-individuals',
    'in-dpdp-rule7-board',
    'br-lgpd-art48',
    'police-report-policy',
  ])('includes %s', (id) => {
    expect(OBLIGATIONS.map((r) => r.id)).toContain(id);
  });

  it('is rendered in docs/regulators.md exactly as the module says (regenerate: npx tsx local/docs/obligations-table.ts)', () => {
    // Prepare
    const doc = readFileSync(new URL('../../docs/regulators.md', import.meta.url), 'utf8');
    // Act
    const start = doc.indexOf(TABLE_START);
    const end = doc.indexOf(TABLE_END);
    // Assess
    expect(start, 'docs/regulators.md has the generated table').toBeGreaterThanOrEqual(0);
    expect(doc.slice(start, end + TABLE_END.length)).toBe(obligationsMarkdown());
  });
});

describe('which obligations apply', () => {
  const cases = OBLIGATIONS.flatMap((row: ObligationRow) => row.when.map((c, i) => [row.id, i, c] as const));

  it.each(cases)('%s (condition %i) applies when its condition holds', (id, _i, condition) => {
    // Act
    const applying = ids(inputFor(condition));
    // Assess
    expect(applying).toContain(id);
  });

  it.each(cases)('%s (condition %i) does not apply when any part of its condition fails', (id, _i, condition) => {
    for (const [what, input] of breakings(condition)) {
      // Act
      const applying = ids(input);
      // Assess
      expect(applying, `${id} ${what}`).not.toContain(id);
    }
  });

  it('applies nothing to an incident without customers, sectors or severity', () => {
    expect(ids({ impact: impactOf({}, []), severity: 'LOW', sectors: [] })).toEqual([]);
  });

  it('GDPR applies for customers in an EU country and not for UK or US customers', () => {
    expect(ids({ impact: impactOf({ DE: 3 }, ['email']), severity: 'LOW', sectors: [] })).toContain('eu-gdpr-art33');
    expect(ids({ impact: impactOf({ GB: 3, US: 5 }, ['email']), severity: 'LOW', sectors: [] })).not.toContain('eu-gdpr-art33');
  });

  it('a state law matched only by the country is applied with a caveat; by the state itself, without', () => {
    // Act
    const byCountry = applicableObligations({ impact: impactOf({ US: 2 }, ['password']), severity: 'LOW', sectors: [] }, OBLIGATIONS).find(
      (a) => a.row.id === 'us-co-6-1-716',
    );
    const byState = applicableObligations({ impact: impactOf({ 'US-CO': 2 }, ['password']), severity: 'LOW', sectors: [] }, OBLIGATIONS).find(
      (a) => a.row.id === 'us-co-6-1-716',
    );
    // Assess
    expect(byCountry?.unconfirmed).toMatch(/Colorado/);
    expect(byState).toBeDefined();
    expect(byState?.unconfirmed).toBeUndefined();
  });

  const only = (countries: Record<string, number>, categories: string[], extra: Partial<EvaluationInput> = {}) =>
    ids({ impact: impactOf(countries, categories), severity: 'LOW', sectors: [], ...extra });

  it('HIPAA media notice needs more than 500 residents; the HHS report 500 or more', () => {
    const health = { sectors: ['health-us'] as const };
    expect(only({ US: 500 }, ['health'], { sectors: [...health.sectors] })).not.toContain('us-hipaa-media');
    expect(only({ US: 500 }, ['health'], { sectors: [...health.sectors] })).toContain('us-hipaa-hhs');
    expect(only({ US: 501 }, ['health'], { sectors: [...health.sectors] })).toContain('us-hipaa-media');
  });

  it('CAC: a network operator reports from 1 million affected people in China (the Grading Guide), or at severity CRITICAL; not at HIGH alone', () => {
    const operator = { sectors: ['cn-network-operator' as const] };
    expect(only({ CN: 999_999 }, ['email'], operator)).not.toContain('cn-cac-incident-4h');
    expect(only({ CN: 999_999 }, ['email'], { ...operator, severity: 'HIGH' })).not.toContain('cn-cac-incident-4h');
    expect(only({ CN: 1_000_000 }, ['email'], operator)).toContain('cn-cac-incident-4h');
    expect(only({ CN: 5 }, ['email'], { ...operator, severity: 'CRITICAL' })).toContain('cn-cac-incident-4h');
    expect(only({ CN: 1_000_000 }, ['email'], { sectors: ['cn-critical-information-infrastructure'] })).toContain('cn-cac-cii-1h');
  });

  it('state thresholds for the attorneys general: California more than 500, Texas 250 or more; New York tells its authorities and State Police whatever the number', () => {
    expect(only({ 'US-CA': 500 }, ['password'])).not.toContain('us-ca-1798-82-ag');
    expect(only({ 'US-CA': 501 }, ['password'])).toContain('us-ca-1798-82-ag');
    expect(only({ 'US-CA': 1 }, ['password'])).toContain('us-ca-1798-82');
    expect(only({ 'US-TX': 249 }, ['government_id'])).not.toContain('us-tx-521-053-ag');
    expect(only({ 'US-TX': 250 }, ['government_id'])).toContain('us-tx-521-053-ag');
    expect(only({ 'US-TX': 1 }, ['government_id'])).toContain('us-tx-521-053');
    const ny = applicableObligations({ impact: impactOf({ 'US-NY': 1 }, ['bank_account']), severity: 'LOW', sectors: [] }, OBLIGATIONS).find(
      (a) => a.row.id === 'us-ny-899-aa-authorities',
    );
    expect(ny?.row.notify).toContain('police');
    expect(ny?.row.recipient).toMatch(/Division of State Police/);
  });

  it('Japan reports more than 1,000 people, or fewer with special-care or property-damage data', () => {
    expect(only({ JP: 1000 }, ['email'])).not.toContain('jp-appi-26-preliminary');
    expect(only({ JP: 1001 }, ['email'])).toEqual(expect.arrayContaining(['jp-appi-26-preliminary', 'jp-appi-26-final']));
    expect(only({ JP: 1 }, ['health'])).toContain('jp-appi-26-preliminary');
    expect(only({ JP: 1 }, ['payment_card'])).toContain('jp-appi-26-final');
  });

  it('UK customers get the ICO row, not the EU one; Brazil needs data of relevant risk; Canada a real risk of significant harm but always the record', () => {
    expect(only({ GB: 1 }, ['email'])).toContain('uk-gdpr-art33');
    expect(only({ GB: 1 }, ['email'])).not.toContain('eu-gdpr-art33');
    expect(only({ BR: 1 }, ['email'])).not.toContain('br-lgpd-art48');
    expect(only({ BR: 1 }, ['password'])).toContain('br-lgpd-art48');
    expect(only({ CA: 1 }, ['email'])).toEqual(expect.arrayContaining(['ca-pipeda-10-3-record']));
    expect(only({ CA: 1 }, ['email'])).not.toContain('ca-pipeda-10-1');
    expect(only({ CA: 1 }, ['government_id'])).toContain('ca-pipeda-10-1');
    expect(only({ IN: 1 }, ['email'])).toEqual(expect.arrayContaining(['in-certin-6h', 'in-dpdp-rule7-individuals', 'in-dpdp-rule7-board']));
  });

  it("a state law follows the directory's region: certain for its residents, not applied when every US customer is placed elsewhere, with a caveat for those placed nowhere", () => {
    // Prepare
    const withRegions = (byRegion: Record<string, number>, us: number): EvaluationInput => ({
      impact: { ...impactOf({ US: us }, ['password']), byRegion },
      severity: 'LOW',
      sectors: [],
    });
    const find = (input: EvaluationInput, id: string) => applicableObligations(input, OBLIGATIONS).find((a) => a.row.id === id);
    // Act / Assess: 501 Californians of 600 US customers, the rest in Texas
    const ca = find(withRegions({ 'US-CA': 501, 'US-TX': 99 }, 600), 'us-ca-1798-82-ag');
    expect(ca).toBeDefined();
    expect(ca?.unconfirmed).toBeUndefined();
    expect(find(withRegions({ 'US-CA': 501, 'US-TX': 99 }, 600), 'us-co-6-1-716')).toBeUndefined();
    // 500 Californians: "more than 500" is not met.
    expect(find(withRegions({ 'US-CA': 500 }, 500), 'us-ca-1798-82-ag')).toBeUndefined();
    // 100 US customers placed nowhere may be in Colorado: applied, with the caveat to confirm.
    expect(find(withRegions({ 'US-TX': 500 }, 600), 'us-co-6-1-716')?.unconfirmed).toMatch(/Colorado/);
  });

  it('a police report is tracked where the law names the police, or where the settings declare the policy (severity HIGH up), never otherwise', () => {
    const police = (input: EvaluationInput) =>
      applicableObligations(input, OBLIGATIONS)
        .filter((a) => a.row.notify.includes('police'))
        .map((a) => a.row.id);
    expect(police({ impact: impactOf({ GB: 3 }, ['email']), severity: 'CRITICAL', sectors: [] })).toEqual([]);
    expect(police({ impact: impactOf({ GB: 3 }, ['email']), severity: 'MEDIUM', sectors: ['police-report-policy'] })).toEqual([]);
    expect(police({ impact: impactOf({ GB: 3 }, ['email']), severity: 'HIGH', sectors: ['police-report-policy'] })).toEqual(['police-report-policy']);
    expect(police({ impact: impactOf({ 'US-NY': 3 }, ['government_id']), severity: 'LOW', sectors: [] })).toEqual(['us-ny-899-aa-authorities']);
  });

  it('Singapore applies from 500 people, or below that for data likely to cause significant harm', () => {
    expect(ids({ impact: impactOf({ SG: 499 }, ['email']), severity: 'LOW', sectors: [] })).not.toContain('sg-pdpa-26d');
    expect(ids({ impact: impactOf({ SG: 500 }, ['email']), severity: 'LOW', sectors: [] })).toContain('sg-pdpa-26d');
    expect(ids({ impact: impactOf({ SG: 1 }, ['payment_card']), severity: 'LOW', sectors: [] })).toContain('sg-pdpa-26d');
  });
});

describe('deadlines', () => {
  const row = (id: string) => OBLIGATIONS.find((r) => r.id === id)!;
  const at = (iso: string) => new Date(iso);

  it('counts hours, calendar days and months from the start', () => {
    expect(deadlineFor(row('eu-gdpr-art33').clock, at('2026-11-20T08:00:00Z'))?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(deadlineFor(row('cn-cac-incident-4h').clock, at('2026-11-20T08:00:00Z'))?.toISOString()).toBe('2026-11-20T12:00:00.000Z');
    expect(deadlineFor(row('us-bank-36h').clock, at('2026-11-20T08:00:00Z'))?.toISOString()).toBe('2026-11-21T20:00:00.000Z');
    expect(deadlineFor(row('sg-pdpa-26d').clock, at('2026-11-20T08:00:00Z'))?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(deadlineFor(row('us-hipaa-hhs').clock, at('2026-11-20T08:00:00Z'))?.toISOString()).toBe('2027-01-19T08:00:00.000Z');
    // One month after 31 January is the end of February.
    expect(deadlineFor(row('eu-nis2-final-report').clock, at('2027-01-31T10:00:00Z'))?.toISOString()).toBe('2027-02-28T10:00:00.000Z');
  });

  it("counts the new rows' clocks: CERT-In 6 h, DPDP 72 h, Japan 3 and 30 days, Texas 60 days", () => {
    expect(deadlineFor(row('in-certin-6h').clock, at('2026-11-20T08:00:00Z'))?.toISOString()).toBe('2026-11-20T14:00:00.000Z');
    expect(deadlineFor(row('in-dpdp-rule7-board').clock, at('2026-11-20T08:00:00Z'))?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(deadlineFor(row('jp-appi-26-preliminary').clock, at('2026-11-20T08:00:00Z'))?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(deadlineFor(row('jp-appi-26-final').clock, at('2026-11-20T08:00:00Z'))?.toISOString()).toBe('2026-12-20T08:00:00.000Z');
    expect(deadlineFor(row('us-tx-521-053').clock, at('2026-11-20T08:00:00Z'))?.toISOString()).toBe('2027-01-19T08:00:00.000Z');
    expect(deadlineFor(row('us-nydfs-500-17c-payment').clock, at('2026-11-20T08:00:00Z'))?.toISOString()).toBe('2026-11-21T08:00:00.000Z');
    expect(row('us-nydfs-500-17c-payment').clock.from).toBe('extortion-payment');
    expect(row('us-ca-1798-82-ag').clock.from).toEqual({ filed: 'us-ca-1798-82' });
  });

  it.each([
    // Friday 20 November 2026: Mon, Tue, Wed.
    ['2026-11-20T08:00:00Z', '2026-11-25T08:00:00.000Z', 'over a weekend'],
    // Monday: Tue, Wed, Thu.
    ['2026-11-23T08:00:00Z', '2026-11-26T08:00:00.000Z', 'within a week'],
    // Saturday: Mon, Tue, Wed.
    ['2026-11-21T08:00:00Z', '2026-11-25T08:00:00.000Z', 'from a weekend'],
  ])('LGPD: 3 working days after %s is %s (%s)', (start, deadline) => {
    expect(deadlineFor(row('br-lgpd-art48').clock, at(start))?.toISOString()).toBe(deadline);
  });

  it('has no deadline for "without undue delay" obligations', () => {
    expect(deadlineFor(row('eu-gdpr-art34').clock, at('2026-11-20T08:00:00Z'))).toBeUndefined();
    expect(deadlineFor(row('cn-pipl-art57').clock, at('2026-11-20T08:00:00Z'))).toBeUndefined();
  });

  it.each([
    // Thursday: Fri, Mon, Tue, Wed; 17:30 New York (EST) is 22:30Z.
    ['2026-11-19T15:00:00Z', '2026-11-25T22:30:00.000Z', 'plain week'],
    // Monday before Thanksgiving (26 Nov): Tue, Wed, Fri, Mon.
    ['2026-11-23T15:00:00Z', '2026-11-30T22:30:00.000Z', 'Thanksgiving skipped'],
    // 03:00Z on Monday is still Sunday evening in New York: counting starts from Sunday.
    ['2026-11-23T03:00:00Z', '2026-11-27T22:30:00.000Z', 'the New York calendar day'],
    // Daylight saving time starts on 8 March: 17:30 EDT is 21:30Z.
    ['2026-03-05T15:00:00Z', '2026-03-11T21:30:00.000Z', 'across the DST change'],
    // Wednesday; 4 July 2026 is a Saturday, observed on Friday 3 July: Thu, Mon, Tue, Wed.
    ['2026-07-01T15:00:00Z', '2026-07-08T21:30:00.000Z', 'an observed holiday'],
  ])('SEC: 4 business days after a determination at %s is %s (%s)', (start, deadline) => {
    expect(deadlineFor(row('us-sec-8k-1-05').clock, at(start))?.toISOString()).toBe(deadline);
  });

  it('knows US federal holidays and weekends', () => {
    expect(isUsBusinessDay(2026, 11, 26)).toBe(false);
    expect(isUsBusinessDay(2026, 7, 3)).toBe(false);
    expect(isUsBusinessDay(2026, 11, 21)).toBe(false);
    expect(isUsBusinessDay(2027, 12, 31)).toBe(false); // New Year's Day 2028 is a Saturday
    expect(isUsBusinessDay(2026, 11, 27)).toBe(true);
  });

  it('runs a clock faster by the scale (the twin)', () => {
    expect(deadlineFor(row('eu-gdpr-art33').clock, at('2026-11-20T08:00:00Z'), 60)?.toISOString()).toBe('2026-11-20T09:12:00.000Z');
  });

  it('puts reminders at shares of the clock and before the deadline, dropping those before the start', () => {
    // Act
    const long = reminderTimes(['50%', '75%', '90%', '1h'], at('2026-11-20T00:00:00Z'), at('2026-11-23T00:00:00Z'));
    const short = reminderTimes(['50%', '1h'], at('2026-11-20T00:00:00Z'), at('2026-11-20T01:00:00Z'));
    // Assess
    expect(long.map((r) => [r.point, r.at.toISOString()])).toEqual([
      ['50%', '2026-11-21T12:00:00.000Z'],
      ['75%', '2026-11-22T06:00:00.000Z'],
      ['90%', '2026-11-22T16:48:00.000Z'],
      ['1h', '2026-11-22T23:00:00.000Z'],
    ]);
    expect(short.map((r) => r.point)).toEqual(['50%']);
  });
});

describe('a new obligation and the final report', () => {
  const incident = { incidentId: 'inc-20261120-0123456789ab', createdAt: '2026-11-20T08:00:00.000Z' };
  const now = new Date('2026-11-20T09:00:00Z');
  const applicable = (id: string) => ({ row: OBLIGATIONS.find((r) => r.id === id)! });

  it('starts from detection, waits for materiality, or for another filing', () => {
    // Act
    const gdpr = newObligationRecord(incident, applicable('eu-gdpr-art33'), { now, clockScale: 1 });
    const sec = newObligationRecord(incident, applicable('us-sec-8k-1-05'), { now, clockScale: 1 });
    const finalWaiting = newObligationRecord(incident, applicable('eu-nis2-final-report'), { now, clockScale: 1, filedAt: () => undefined });
    const finalStarted = newObligationRecord(incident, applicable('eu-nis2-final-report'), { now, clockScale: 1, filedAt: () => '2026-11-21T10:00:00.000Z' });
    const sg = newObligationRecord(incident, applicable('sg-pdpa-26d'), { now, clockScale: 1 });
    // Assess
    expect(gdpr).toMatchObject({ status: 'RUNNING', startedAt: incident.createdAt, deadline: '2026-11-23T08:00:00.000Z', startMoment: 'detection' });
    expect(sec).toMatchObject({ status: 'WAITING', startMoment: 'materiality-determination' });
    expect(sec.deadline).toBeUndefined();
    expect(finalWaiting.status).toBe('WAITING');
    expect(finalStarted).toMatchObject({ status: 'RUNNING', deadline: '2026-12-21T10:00:00.000Z' });
    expect(sg).toMatchObject({ status: 'RUNNING', startedAt: now.toISOString(), deadline: '2026-11-23T09:00:00.000Z' });
  });

  it('drafts the CAC and PIPL reports in Chinese with Beijing time, the others in English', () => {
    // Prepare
    const full = {
      ...incident,
      title: 'Unauthorised access to the customer database',
      source: 'guardduty',
      firstSeenAt: '2026-11-20T07:30:00.000Z',
      severity: 'CRITICAL',
      affectedResources: [],
      impact: impactOf({ CN: 1_000_000 }, ['password']),
    } as unknown as Parameters<typeof draftRegulatorReport>[0];
    const cac = newObligationRecord(incident, applicable('cn-cac-incident-4h'), { now, clockScale: 1 });
    const gdpr = newObligationRecord(incident, applicable('eu-gdpr-art33'), { now, clockScale: 1 });
    // Act
    const zh = draftRegulatorReport(full, cac, undefined);
    const en = draftRegulatorReport(full, gdpr, undefined);
    // Assess
    expect(cac.reportLanguage).toBe('zh-CN');
    expect(zh).toMatch(/^草稿：/);
    expect(zh).toContain('报告时限：2026-11-20 20:00（北京时间）');
    expect(zh).toContain('事件确认（发现或获知）：2026-11-20 16:00（北京时间）');
    expect(zh).toContain('受影响人数：1000000');
    expect(zh).toContain('报送对象：属地省级网信部门');
    expect(zh).toContain('依据：《国家网络安全事件报告管理办法》第四条');
    expect(en).toMatch(/^DRAFT - /);
    expect(gdpr.reportLanguage).toBeUndefined();
  });

  it('states each deadline met or missed, in the report locale', () => {
    // Prepare
    const base = newObligationRecord(incident, applicable('eu-gdpr-art33'), { now, clockScale: 1 });
    const met: ObligationRecord = {
      ...base,
      status: 'FILED',
      filed: { at: '2026-11-22T08:00:00.000Z', ref: 'DPC-1', by: 'legal', recordedAt: '2026-11-22T08:05:00.000Z' },
    };
    const late: ObligationRecord = {
      ...base,
      obligationId: 'late',
      status: 'FILED',
      filed: { at: '2026-11-23T08:00:01.000Z', ref: 'DPC-2', by: 'legal', recordedAt: '2026-11-23T09:00:00.000Z' },
    };
    const open: ObligationRecord = { ...base, obligationId: 'open' };
    const after = new Date('2026-11-24T00:00:00Z');
    // Act
    const en = finalReportRegulatorLines([met, late, open], after, catalogues.en.finalReport);
    const zh = finalReportRegulatorLines([met], after, catalogues['zh-CN'].finalReport);
    // Assess
    expect([deadlineOutcome(met, after), deadlineOutcome(late, after), deadlineOutcome(open, after), deadlineOutcome(open, now)]).toEqual([
      'met',
      'missed',
      'missed',
      'open',
    ]);
    expect(en.find((l) => l.startsWith('eu-gdpr-art33'))).toMatch(/MET; deadline 2026-11-23T08:00:00.000Z; filed 2026-11-22T08:00:00.000Z, ref DPC-1/);
    expect(en.find((l) => l.startsWith('late'))).toMatch(/MISSED/);
    expect(zh[0]).toMatch(/按时完成/);
    expect(finalReportRegulatorLines([], after, catalogues.es.finalReport)).toEqual([catalogues.es.finalReport.noRegulators]);
  });
});

// Severity levels are ordered; the table's thresholds depend on it.
it('orders severity levels from LOW to CRITICAL', () => {
  const order: SeverityLevel[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
  expect([...severityLevels]).toEqual(order);
});
