import type { NoticeFacts } from '../facts.js';
import type { Incident } from '../incident.js';
import { dataCategoryLabel } from '../locales.js';
import type { FinalReportTexts } from '../locales/catalogue.js';
import { deadlineFor, formatTimeLeft, momentName, type ApplicableObligation } from './evaluate.js';
import type { ClockSpec, Recipient, ReminderPoint } from './table.js';

/**
 * One obligation of one incident as stored (adapters/obligation-store.ts): a copy of its table row
 * taken when it was found to apply, its clock and everything people recorded about it.
 */
export type ObligationStatus = 'WAITING' | 'RUNNING' | 'FILED' | 'NOT_APPLICABLE';

export interface ObligationRecord {
  incidentId: string;
  obligationId: string;
  jurisdiction: string;
  law: string;
  notify: Recipient[];
  recipient: string;
  clock: ClockSpec;
  /** The clock's start moment by name (`detection`, `materiality-determination`, `filed:<id>` ...). */
  startMoment: string;
  status: ObligationStatus;
  addedAt: string;
  startedAt?: string;
  /** Absent while waiting, and for obligations without fixed hours. */
  deadline?: string;
  /** How much faster than real time the clock runs (1 in AWS; the twin's time scale). */
  clockScale: number;
  reminders: ReminderPoint[];
  /** Reminder point -> when it was sent: each at most once. */
  remindersSent: Record<string, string>;
  /** Pages sent at and after the deadline. */
  escalations: number;
  unconfirmed?: string;
  caveat?: string;
  sources: string[];
  /** The regulator's language when not English (copied from the row): the report is drafted in it. */
  reportLanguage?: 'zh-CN';
  filed?: { at: string; ref: string; by: string; recordedAt: string };
  notApplicable?: { at: string; by: string; reason: string };
  /** The newest drafted or edited version of the regulator report (0: none). */
  reportVersion: number;
  approval?: { version: number; by: string; at: string };
}

export interface RegulatorReportVersion {
  incidentId: string;
  obligationId: string;
  version: number;
  author: string;
  at: string;
  text: string;
}

/** The record of an obligation found to apply, with its clock started when its moment is known. */
export function newObligationRecord(
  incident: Pick<Incident, 'incidentId' | 'createdAt'>,
  applicable: ApplicableObligation,
  options: { now: Date; clockScale: number; reminders?: readonly ReminderPoint[]; filedAt?: (obligationId: string) => string | undefined },
): ObligationRecord {
  const { row } = applicable;
  const from = row.clock.from;
  const startedAt =
    from === 'detection'
      ? incident.createdAt
      : from === 'assessment'
        ? options.now.toISOString()
        : typeof from === 'object'
          ? options.filedAt?.(from.filed)
          : undefined;
  const deadline = startedAt ? deadlineFor(row.clock, new Date(startedAt), options.clockScale)?.toISOString() : undefined;
  return {
    incidentId: incident.incidentId,
    obligationId: row.id,
    jurisdiction: row.jurisdiction,
    law: row.law,
    notify: [...row.notify],
    recipient: row.recipient,
    clock: row.clock,
    startMoment: momentName(from),
    status: startedAt ? 'RUNNING' : 'WAITING',
    addedAt: options.now.toISOString(),
    ...(startedAt ? { startedAt } : {}),
    ...(deadline ? { deadline } : {}),
    clockScale: options.clockScale,
    reminders: [...(options.reminders ?? row.reminders)],
    remindersSent: {},
    escalations: 0,
    ...(applicable.unconfirmed ? { unconfirmed: applicable.unconfirmed } : {}),
    ...(row.caveat ? { caveat: row.caveat } : {}),
    sources: [...row.sources],
    ...(row.reportLanguage ? { reportLanguage: row.reportLanguage } : {}),
    reportVersion: 0,
  };
}

/** The clock in words: "72 h from detection", "4 US business days from materiality-determination". */
export function clockText(clock: ClockSpec, startMoment: string): string {
  const span =
    clock.kind === 'hours'
      ? `${clock.amount} h`
      : clock.kind === 'calendar-days'
        ? `${clock.amount} calendar days`
        : clock.kind === 'us-business-days'
          ? `${clock.amount} US business days`
          : clock.kind === 'working-days'
            ? `${clock.amount} working days (Mon-Fri)`
            : clock.kind === 'months'
              ? `${clock.amount} month${clock.amount === 1 ? '' : 's'}`
              : 'no fixed deadline (without undue delay)';
  return `${span} from ${startMoment}`;
}

export type DeadlineOutcome = 'met' | 'missed' | 'open' | 'not-applicable' | 'waiting' | 'no-fixed-deadline';

/** Met or missed as the final report states it: a filing at or before the deadline met it. */
export function deadlineOutcome(record: ObligationRecord, now: Date): DeadlineOutcome {
  if (record.status === 'NOT_APPLICABLE') return 'not-applicable';
  if (record.status === 'FILED') return !record.deadline || record.filed!.at <= record.deadline ? (record.deadline ? 'met' : 'no-fixed-deadline') : 'missed';
  if (record.status === 'WAITING') return 'waiting';
  if (!record.deadline) return 'no-fixed-deadline';
  return now.toISOString() > record.deadline ? 'missed' : 'open';
}

/** Where an obligation stands, for the operator's list and console: state and time left. */
export function obligationState(record: ObligationRecord, now: Date): { state: string; timeLeft: string } {
  switch (record.status) {
    case 'WAITING':
      return { state: `waiting for ${record.startMoment}`, timeLeft: '' };
    case 'FILED':
      return { state: `filed ${record.filed!.at} (${deadlineOutcome(record, now)}), ref ${record.filed!.ref}`, timeLeft: '' };
    case 'NOT_APPLICABLE':
      return { state: `not applicable (${record.notApplicable!.by}: ${record.notApplicable!.reason})`, timeLeft: '' };
    case 'RUNNING': {
      if (!record.deadline) return { state: 'open, no fixed deadline', timeLeft: '' };
      const left = new Date(record.deadline).getTime() - now.getTime();
      return { state: left < 0 ? 'MISSED: not filed' : 'running', timeLeft: formatTimeLeft(left) };
    }
  }
}

/**
 * A first draft of the report to the regulator, from what the incident knows: what happened and
 * when, data categories, customers per country, measures. Plain text in the regulator's language
 * (English, or Chinese for the CAC and PIPL) for the legal team to edit
 * (`npm run incident -- regulator-report ID OBLIGATION --edit FILE`); ids and counts only.
 */
export function draftRegulatorReport(incident: Incident, record: ObligationRecord, facts: NoticeFacts | undefined): string {
  if (record.reportLanguage === 'zh-CN') return draftRegulatorReportZh(incident, record, facts);
  const impact = incident.impact;
  const categories = Object.entries(impact?.byDataCategory ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, n]) => `${dataCategoryLabel(c, 'en')}: ${n}`);
  const countries = Object.entries(impact?.byJurisdiction ?? {})
    .sort(([, a], [, b]) => b - a)
    .map(([c, n]) => `${c}: ${n}`);
  const lines = [
    `DRAFT - for the legal team to review, complete and approve. Drafted by breach-notice: assistance, not legal advice.`,
    '',
    `To: ${record.recipient}`,
    `Under: ${record.law} (${record.jurisdiction})`,
    `Deadline: ${record.deadline ?? (record.status === 'WAITING' ? `not started (waits for ${record.startMoment})` : 'no fixed deadline: without undue delay')}`,
    `Our reference: incident ${incident.incidentId}`,
    '',
    '1. What happened',
    `${incident.title}.`,
    ...(incident.description ? [incident.description] : []),
    ...(facts?.whatHappened ? [facts.whatHappened] : []),
    ...(facts?.cause ? [`Cause: ${facts.cause}`] : ['Cause: under investigation.']),
    '',
    '2. When',
    `First seen by our monitoring (${incident.source}): ${incident.firstSeenAt}`,
    `Incident opened (detection): ${incident.createdAt}`,
    '',
    '3. Data and people affected',
    `Affected customers: ${impact?.affectedCustomers ?? 'not yet known'}`,
    `By data category: ${categories.join('; ') || 'not yet known'}`,
    `By country: ${countries.join('; ') || 'not yet known'}`,
    `Severity (our assessment): ${incident.severity}`,
    `Affected systems: ${incident.affectedResources.length}`,
    '',
    '4. Measures taken or proposed',
    ...(facts && facts.measures.length > 0 ? facts.measures.map((m) => `- ${m}`) : ['- (to be completed)']),
    '',
    '5. Likely consequences and advice to individuals',
    ...(facts && facts.advice.length > 0 ? facts.advice.map((a) => `- ${a}`) : ['- (to be completed)']),
    '',
    '6. Contact',
    '(name and contact details of the data protection officer or other contact point)',
  ];
  if (record.caveat) lines.push('', `Note: ${record.caveat}`);
  if (record.unconfirmed) lines.push(`Note: ${record.unconfirmed}`);
  return lines.join('\n');
}

/** Beijing time, as a Chinese filing states it: "2026-11-20 16:00（北京时间）". */
function beijingTime(iso: string): string {
  const at = new Date(new Date(iso).getTime() + 8 * 3_600_000);
  return `${at.toISOString().slice(0, 16).replace('T', ' ')}（北京时间）`;
}

/** The law and recipient as a Chinese filing names them; rows without an entry keep the table's English. */
const ZH_HEADINGS: Record<string, { law: string; recipient: string }> = {
  'cn-pipl-art57': { law: '《中华人民共和国个人信息保护法》第五十七条', recipient: '履行个人信息保护职责的部门' },
  'cn-cac-incident-4h': { law: '《国家网络安全事件报告管理办法》第四条', recipient: '属地省级网信部门' },
  'cn-cac-cii-1h': { law: '《国家网络安全事件报告管理办法》第四条（关键信息基础设施）', recipient: '保护工作部门、公安机关' },
};

/** The same draft in Chinese, for the CAC's incident report and the PIPL Art. 57 notice (the facts as given: the team writes them in Chinese). */
function draftRegulatorReportZh(incident: Incident, record: ObligationRecord, facts: NoticeFacts | undefined): string {
  const impact = incident.impact;
  const categories = Object.entries(impact?.byDataCategory ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, n]) => `${dataCategoryLabel(c, 'zh-CN')}：${n}人`);
  const countries = Object.entries(impact?.byJurisdiction ?? {})
    .sort(([, a], [, b]) => b - a)
    .map(([c, n]) => `${c}：${n}人`);
  const deadline = record.deadline
    ? beijingTime(record.deadline)
    : record.status === 'WAITING'
      ? `尚未开始（等待 ${record.startMoment}）`
      : '无固定时限：应当立即报告';
  const lines = [
    '草稿：供法务团队审阅、补充和批准。由 breach-notice 生成，仅供参考，不构成法律意见。',
    '',
    `报送对象：${ZH_HEADINGS[record.obligationId]?.recipient ?? record.recipient}`,
    `依据：${ZH_HEADINGS[record.obligationId]?.law ?? record.law}`,
    `报告时限：${deadline}`,
    `本单位事件编号：${incident.incidentId}`,
    '',
    '一、事件概况',
    `${incident.title}。`,
    ...(incident.description ? [incident.description] : []),
    ...(facts?.whatHappened ? [facts.whatHappened] : []),
    facts?.cause ? `原因：${facts.cause}` : '原因：正在调查。',
    '',
    '二、发现时间',
    `监测系统（${incident.source}）首次发现：${beijingTime(incident.firstSeenAt)}`,
    `事件确认（发现或获知）：${beijingTime(incident.createdAt)}`,
    '',
    '三、涉及的个人信息和人数',
    `受影响人数：${impact?.affectedCustomers ?? '尚不清楚'}`,
    `按信息种类：${categories.join('；') || '尚不清楚'}`,
    `按国家或地区：${countries.join('；') || '尚不清楚'}`,
    `本单位评估的严重程度：${incident.severity}`,
    `受影响的系统：${incident.affectedResources.length} 个`,
    '',
    '四、已采取和拟采取的处置措施',
    ...(facts && facts.measures.length > 0 ? facts.measures.map((m) => `- ${m}`) : ['-（待补充）']),
    '',
    '五、可能造成的危害及个人可以采取的措施',
    ...(facts && facts.advice.length > 0 ? facts.advice.map((a) => `- ${a}`) : ['-（待补充）']),
    '',
    '六、联系人',
    '（个人信息保护负责人或其他联系人的姓名和联系方式）',
  ];
  if (record.caveat) lines.push('', `说明（英文原注）：${record.caveat}`);
  if (record.unconfirmed) lines.push(`说明（英文原注）：${record.unconfirmed}`);
  return lines.join('\n');
}

/** The final report's lines on regulators (`words`: the report locale's `finalReport`): one per obligation, met or missed. */
export function finalReportRegulatorLines(
  records: readonly ObligationRecord[],
  now: Date,
  words: { regulatorLine: (p: Parameters<FinalReportTexts['regulatorLine']>[0]) => string; noRegulators: string },
): string[] {
  if (records.length === 0) return [words.noRegulators];
  return [...records]
    .sort((a, b) => (a.deadline ?? '~').localeCompare(b.deadline ?? '~') || a.obligationId.localeCompare(b.obligationId))
    .map((r) =>
      words.regulatorLine({
        obligationId: r.obligationId,
        law: r.law,
        deadline: r.deadline ?? null,
        filedAt: r.filed?.at ?? null,
        ref: r.filed?.ref ?? null,
        outcome: deadlineOutcome(r, now),
        reason: r.notApplicable?.reason ?? null,
      }),
    );
}
