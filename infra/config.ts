import { z } from 'zod';
import type { EnvironmentValues } from '../functions/shared/environment.js';
import { defaultLocales, supportedLocales } from '../functions/domain/locales.js';
import { apologyProblem, companyApologySchema, smsBudgetProblem, smsLinkProblem, smsLinkSchema } from '../functions/domain/notice.js';
import { DEFAULT_REMEDY_RULES, remedyRulesProblem, remedyRulesSchema } from '../functions/domain/remedies.js';
import { isReminderPoint } from '../functions/domain/obligations/evaluate.js';
import { sectors } from '../functions/domain/obligations/table.js';
import { ConfigurationError } from '../functions/shared/errors.js';
import { FUNCTIONS } from './functions.js';
import { DEFAULT_DRILL_TARGETS, drillTargetsSchema } from '../functions/domain/drill-report.js';
import { updateCyclesPerExecution } from './definition/continuation.js';
import { SES_REVIEW_LEVELS } from '../functions/domain/reputation.js';
import { defaultLeadSeconds } from '../functions/domain/promises.js';

const list = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));
const emails = list.pipe(z.array(z.email()).min(1));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Deployment settings, read from CDK context keys `breach-notice:<key>` (cdk.json or `-c`).
 * Parsed once; a bad value fails `cdk synth` with the key and the value in the message.
 */
/** A setting given as JSON (a string on the command line, or already structured in cdk.json), then validated by `schema`. */
function jsonSetting<T extends z.ZodType>(schema: T) {
  return z
    .unknown()
    .transform((value, ctx): unknown => {
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `not JSON: ${(error as Error).message}` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

export const appConfigSchema = z.object({
  /** Verified SES identity the notices come from. */
  senderAddress: z.email(),
  /** The name customers see as the notices' sender; any language (non-ASCII is encoded for the header). @default `<companyName> Security` */
  senderName: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[^\p{Cc}]+$/u, 'must be one line without control characters')
    .optional(),
  /** Where customers' replies go. @default companyContact when it is an email address, else none (replies go to senderAddress) */
  replyToAddress: z.email().optional(),
  /** Who approves notices; each gets a personal link. */
  approverEmails: emails,
  /** Who is asked when the approvers do not decide in time. */
  backupApproverEmails: emails,
  /** Who receives the final report. @default approverEmails */
  reportRecipients: emails.optional(),
  /** @default 'en' */
  reportLocale: z.enum(supportedLocales).default('en'),
  /** Locales every notice is written in; customers in other locales get the first. @default en,zh-CN */
  locales: list.pipe(z.array(z.enum(supportedLocales)).min(1)).default([...defaultLocales]),
  /** `email=locale` pairs: the language of an approver's emails; approvers not named get `reportLocale`. */
  approverLocales: list
    .pipe(
      z.array(
        z
          .string()
          .regex(new RegExp(`^[^=\\s]+@[^=\\s]+=(${supportedLocales.join('|')})$`), `entries must look like name@example.com=<${supportedLocales.join('|')}>`),
      ),
    )
    .default([]),
  /** Hours between customer updates. @default 168 (weekly) */
  updateCadenceHours: int(1, 24 * 90).default(168),
  /** Minutes the approvers have before escalation. @default 240 */
  approvalTimeoutMinutes: int(5, 7 * 24 * 60).default(240),
  /** Minutes the backup approvers have before the response team is paged. @default 240 */
  escalationTimeoutMinutes: int(5, 7 * 24 * 60).default(240),
  /**
   * Minutes before an update is due (the time the last notice promised customers) that it is drafted,
   * so approval and sending finish by then: a quarter of it is kept for sending, and the update's
   * approvals are shortened when they do not fit the rest. Must be shorter than the cadence.
   * @default (approvalTimeoutMinutes + escalationTimeoutMinutes) x 4/3
   */
  updateLeadMinutes: int(5, 24 * 90 * 60).optional(),
  /**
   * Minutes between reminders while the workflow waits on the response team (who is affected when the
   * alarm cannot say; a redraft after a rejection); from the third reminder on they are escalations. @default 60
   */
  teamReminderMinutes: int(5, 24 * 60).default(60),
  /**
   * Minutes after a send call whose answer was lost before its recipients without any SES event are sent
   * again (functions/steps/settle-by-evidence.ts). SES documents no bound on how late its events come, and
   * EventBridge delivers them best effort: longer is fewer duplicates, shorter is earlier notices. @default 15
   */
  evidenceWindowMinutes: int(1, 24 * 60).default(15),
  /**
   * Permanent bounces per email SES accepted, in percent, above which a notice's sending pauses and the
   * team is paged (functions/domain/reputation.ts); the team resumes it. Below SES's review level of about
   * 5% (https://docs.aws.amazon.com/ses/latest/dg/reputationdashboard-messages.html). @default 2.5
   */
  bounceRateLimitPercent: z.coerce
    .number()
    .positive()
    .lt(SES_REVIEW_LEVELS.bounceRate * 100, `must be below SES's review level of about ${SES_REVIEW_LEVELS.bounceRate * 100}%`)
    .default(2.5),
  /** Complaints per email delivered, in percent, above which a notice's sending pauses; below SES's review level of about 0.1%. @default 0.05 */
  complaintRateLimitPercent: z.coerce
    .number()
    .positive()
    .lt(SES_REVIEW_LEVELS.complaintRate * 100, `must be below SES's review level of about ${SES_REVIEW_LEVELS.complaintRate * 100}%`)
    .default(0.05),
  /** Emails accepted (for bounces) or delivered (for complaints) before a notice's rates are judged: one bounce in ten stops nothing. @default 100 */
  reputationMinimumMessages: int(1, 1_000_000).default(100),
  /**
   * The account's SMS spend limit in US dollars, as set in SNS (MonthlySpendLimit; AWS starts every
   * account at 1: https://docs.aws.amazon.com/sns/latest/dg/channels-sms-awssupport-spend-threshold.html).
   * Not read from SNS: the stack's alarm compares SNS's SMSMonthToDateSpentUSD with it. @default 1
   */
  smsMonthlySpendLimitUsd: z.coerce.number().positive().max(10_000_000).default(1),
  /** Percent of `smsMonthlySpendLimitUsd` spent this month at which the team is alarmed. @default 80 */
  smsSpendAlarmPercent: z.coerce.number().min(1).max(100).default(80),
  /** Percent of SES's daily sending quota used at which the team is alarmed. @default 80 */
  sendQuotaAlarmPercent: z.coerce.number().min(1).max(100).default(80),
  /** The account's SES bounce rate, in percent, at which the team is alarmed; below SES's review level of about 5%. @default 4 */
  sesBounceRateAlarmPercent: z.coerce
    .number()
    .positive()
    .lt(SES_REVIEW_LEVELS.bounceRate * 100, `must be below SES's review level of about ${SES_REVIEW_LEVELS.bounceRate * 100}%`)
    .default(4),
  /** The account's SES complaint rate, in percent, at which the team is alarmed; below SES's review level of about 0.1%. @default 0.08 */
  sesComplaintRateAlarmPercent: z.coerce
    .number()
    .positive()
    .lt(SES_REVIEW_LEVELS.complaintRate * 100, `must be below SES's review level of about ${SES_REVIEW_LEVELS.complaintRate * 100}%`)
    .default(0.08),
  /** Minutes before an update promised to customers is due, with none sent, at which the team is alarmed. @default 60 */
  promiseAlarmMinutes: int(5, 7 * 24 * 60).default(60),
  /** Hours before a regulator's deadline, not filed, at which the team is alarmed (the sweep's reminders come too). @default 6 */
  regulatorDeadlineAlarmHours: int(1, 72).default(6),
  /** Errors of one function in five minutes at which the team is alarmed. @default 1 */
  functionErrorAlarmCount: int(1, 10_000).default(1),
  /** GuardDuty findings at or above this severity start an incident. @default 7 */
  guardDutySeverityThreshold: z.coerce.number().min(1).max(10).default(7),
  /** Severity (0-10) given to incidents started by a CloudWatch alarm, which carries none. @default 7 */
  cloudWatchAlarmSeverity: z.coerce.number().min(0).max(10).default(7),
  /** Security Hub severity labels that start an incident. @default HIGH,CRITICAL */
  securityHubLabels: list.pipe(z.array(z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])).min(1)).default(['HIGH', 'CRITICAL']),
  /** CloudWatch alarms whose name starts with this start an incident. @default 'security-' */
  alarmNamePrefix: z.string().min(1).max(200).default('security-'),
  /** EventBridge source of manual reports. @default 'breach-notice.manual' */
  manualAlarmSource: z
    .string()
    .regex(/^[a-z0-9.-]+$/)
    .refine((s) => !s.startsWith('aws.'), 'must not start with aws.')
    .default('breach-notice.manual'),
  /** Company name used in the notices. */
  companyName: z.string().min(1).max(100).default('Example Co.'),
  /** Where customers write to. @default senderAddress */
  companyContact: z.string().min(3).max(200).optional(),
  /**
   * Base URL of the public incident pages: each incident's is `<incidentPageUrl>/<incidentId>/<locale>.html`.
   * Set it for a custom domain in front of the distribution. @default the CloudFront distribution's URL
   */
  incidentPageUrl: z.union([z.literal(''), z.url()]).default(''),
  /** A phone number customers can call, printed in every notice. @default none */
  supportHotline: z
    .string()
    .regex(/^\+?[0-9][0-9 ()./-]{4,30}$/, 'expected a phone number such as +44 20 7946 0000')
    .optional(),
  /** A web form where customers ask questions, printed in every notice. @default none */
  questionFormUrl: z.url().optional(),
  /**
   * The company's own approved first-notice apology, as JSON `{ "<locale>": sentence }` covering every
   * locale, replacing the default (which apologises and owns the response without conceding liability). @default none
   */
  apology: jsonSetting(companyApologySchema).optional(),
  /**
   * One short https link (at most 40 characters) on the company's own domain (that of `incidentPageUrl`,
   * `companyContact` or `senderAddress`) that customer SMS may carry. @default none: SMS carry no link
   */
  smsLink: smsLinkSchema.optional(),
  /**
   * Remedies offered by rule, per data category and minimum severity (functions/domain/remedies.ts), as
   * a JSON array (or a string of one): `{ id, offer?, categories, minSeverity?, claim?: { url?, contact?,
   * deadlineDays? }, text?: { <locale>: sentence } }`. `[]` offers none. The list replaces the defaults whole.
   * @default DEFAULT_REMEDY_RULES: credit monitoring (government_id), card replacement (payment_card),
   * reimbursement (bank_account, crypto_assets), password reset (password), API key replacement (api_keys)
   */
  remedyRules: jsonSetting(remedyRulesSchema).default([...DEFAULT_REMEDY_RULES]),
  /**
   * Price of one SMS segment, for the cost estimate approvers see before sending. An estimate, not a
   * quote: SNS prices vary by destination country; set your main market's. @default 0.01
   */
  smsPricePerSegment: z.coerce.number().min(0).max(10).default(0.01),
  /** ISO 4217 currency of `smsPricePerSegment`. @default 'USD' */
  smsPriceCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD')
    .default('USD'),
  /** Base URL of the approval pages; empty means the deployed HTTP API's own URL. */
  approvalBaseUrl: z.union([z.literal(''), z.url()]).default(''),
  /**
   * Where approvers get their one-time code: in the approval email's body, or by SMS to a number held
   * here (also defends against a compromised mailbox). @default 'email'
   */
  approvalCodeChannel: z.enum(['email', 'sms']).default('email'),
  /** With `approvalCodeChannel` sms: `email=+E164` pairs for every approver and backup approver. */
  approverPhones: list
    .pipe(z.array(z.string().regex(/^[^=\s]+@[^=\s]+=\+[1-9]\d{6,14}$/, 'entries must look like name@example.com=+447700900123')))
    .default([]),
  /** Approvals needed before a notice goes out (N of the approvers; any one rejection decides). @default 1 */
  approvalQuorum: int(1, 10).default(1),
  /** Prefix of the SES template names. @default 'breach-notice' */
  templatePrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .default('breach-notice'),
  /** Customers per audience chunk (one send iteration handles up to 20 chunks). @default 500 */
  audienceChunkSize: int(1, 2000).default(500),
  /**
   * Slices of the audience sent at once, at most (the Map's MaxConcurrency); fewer when the account's
   * SES send rate needs fewer. Each sender also sends SMS, so keep this x smsConcurrency under the SNS SMS rate. @default 10
   */
  maxParallelSenders: int(1, 40).default(10),
  /** SMS publishes in flight at once per send iteration; keep under the account's SNS SMS rate. @default 10 */
  smsConcurrency: int(1, 50).default(10),
  /** Alphanumeric sender id for customer SMS, where the destination country allows one. @default none (SNS chooses) */
  smsSenderId: z
    .string()
    .regex(/^[A-Za-z0-9]{1,11}$/)
    .optional(),
  /**
   * The sectors the company is in, for regulators' clocks (functions/domain/obligations/table.ts): e.g.
   * financial-services-ny, us-bank, public-company-us, health-us, essential-entity-eu. @default none
   */
  sectors: list.pipe(z.array(z.enum(sectors))).default([]),
  /** Reminder points before each regulator's deadline, for every clock: `50%` of the time gone or `1h` / `30m` / `2d` before. @default each obligation's own (50%,75%,90%,1h) */
  regulatorClockReminders: list.pipe(z.array(z.string().refine(isReminderPoint, 'expected 50% or 1h, 30m, 2d')).min(1)).optional(),
  /** Every incident is a drill: messages marked, customer notices sent to sinks (README "Drills"). @default false */
  drillMode: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false),
  /** An E.164 number a drill's SMS go to instead of customers'. @default none: a drill sends no SMS (recorded FAILED) */
  drillSmsSink: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 number such as +447700900123')
    .optional(),
  /**
   * The playbook's targets for the drill report: minutes from the alarm's first sighting per step
   * (opened, paged, drafted, approvalRequested, approved, sent, closed, finalReport), as JSON; the keys
   * given replace the defaults'. @default {"opened":15,"paged":15,"drafted":60,"approved":240,"sent":1440}
   */
  drillTargets: jsonSetting(drillTargetsSchema)
    .transform((t) => ({ ...DEFAULT_DRILL_TARGETS, ...t }))
    .default({ ...DEFAULT_DRILL_TARGETS }),
});

export type AppConfig = z.infer<typeof appConfigSchema>;

/** A lead (set, or derived from the approvals) that is not shorter than the cadence: updates would be drafted before the notice they follow went out. */
function leadProblem(c: AppConfig): { path: [keyof AppConfig]; message: string } | undefined {
  const cadence = c.updateCadenceHours * 60;
  if (c.updateLeadMinutes !== undefined) {
    return c.updateLeadMinutes < cadence
      ? undefined
      : {
          path: ['updateLeadMinutes'],
          message: `must be shorter than the update cadence (updateCadenceHours ${c.updateCadenceHours} = ${cadence} minutes): each update would be drafted before the notice it follows went out`,
        };
  }
  const lead = defaultLeadSeconds(c.approvalTimeoutMinutes * 60, c.escalationTimeoutMinutes * 60) / 60;
  return lead < cadence
    ? undefined
    : {
        path: ['updateCadenceHours'],
        message: `${cadence} minutes between updates leave no time for the approvals before each is due: updateLeadMinutes, by default (approvalTimeoutMinutes ${c.approvalTimeoutMinutes} + escalationTimeoutMinutes ${c.escalationTimeoutMinutes}) x 4/3 = ${Math.ceil(lead)}, must be shorter. Set updateLeadMinutes below ${cadence} (the updates' approvals are shortened to fit), or shorter approval timeouts`,
      };
}

export const CONTEXT_PREFIX = 'breach-notice:';

/** Parses context values; `read(key)` returns the raw context value (string or array) or undefined. */
export function parseAppConfig(read: (key: string) => unknown): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(appConfigSchema.shape)) {
    const value = read(`${CONTEXT_PREFIX}${key}`);
    if (value !== undefined && value !== null) raw[key] = value;
  }
  const result = appConfigSchema
    .refine((c) => c.approvalQuorum <= c.approverEmails.length, { path: ['approvalQuorum'], message: 'must not exceed the number of approverEmails' })
    .refine(
      (c) =>
        c.approvalCodeChannel !== 'sms' || [...c.approverEmails, ...c.backupApproverEmails].every((e) => c.approverPhones.some((p) => p.startsWith(`${e}=`))),
      { path: ['approverPhones'], message: 'with approvalCodeChannel sms, every approver and backup approver needs a phone' },
    )
    .refine((c) => c.approverLocales.every((p) => [...c.approverEmails, ...c.backupApproverEmails].includes(p.slice(0, p.lastIndexOf('=')))), {
      path: ['approverLocales'],
      message: 'every entry must name an approver or backup approver',
    })
    .superRefine((c, ctx) => {
      const lead = leadProblem(c);
      if (lead) ctx.addIssue({ code: 'custom', ...lead });
      const problem = smsBudgetProblem({ name: c.companyName, smsLink: c.smsLink }, c.locales);
      if (problem) ctx.addIssue({ code: 'custom', path: ['companyName'], message: problem });
      const domainOf = (address: string | undefined) => (address?.includes('@') ? address.slice(address.lastIndexOf('@') + 1) : '');
      const link =
        c.smsLink &&
        smsLinkProblem(c.smsLink, [c.incidentPageUrl ? new URL(c.incidentPageUrl).hostname : '', domainOf(c.companyContact), domainOf(c.senderAddress)]);
      if (link) ctx.addIssue({ code: 'custom', path: ['smsLink'], message: link });
      const apology = apologyProblem(c.apology, c.locales);
      if (apology) ctx.addIssue({ code: 'custom', path: ['apology'], message: apology });
      const rules = remedyRulesProblem(c.remedyRules, c.locales);
      if (rules) ctx.addIssue({ code: 'custom', path: ['remedyRules'], message: rules });
    })
    .safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      // A list's or object's own entries are named after the key: remedyRules 2.categories.0: ...
      const inside = i.path.length > 1 ? `${i.path.slice(1).join('.')}: ` : '';
      return `${CONTEXT_PREFIX}${key}=${JSON.stringify(raw[key] ?? null)}: ${inside}${i.message}`;
    });
    throw new ConfigurationError(`Invalid breach-notice configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

export interface ResourceNames {
  incidentsTable: string;
  customersTable: string;
  deliveriesTable: string;
  idempotencyTable: string;
  responseTeamTopicArn: string;
  stateMachineArn: string;
  approvalBaseUrl: string;
  configurationSet?: string;
  publicChannelsTopicArn: string;
  incidentPagesBucket: string;
  /** Where the incident pages are served (the distribution's URL; the twin's /pages), unless incidentPageUrl is set. */
  incidentPagesUrl: string;
  /** The secret holding the question form's HMAC key. @default `breach-notice-question-form-key` (the stack passes its secret's ARN) */
  questionFormSecretId?: string;
}

/** Chunks one send iteration takes: 20 x 500 customers keeps a big audience to few loop iterations (history events). */
const MAX_CHUNKS_PER_INVOCATION = 20;
/** A send iteration stops taking chunks when less than this remains: the longest a chunk may take. */
const SEND_RESERVE_MS = 120_000;
/** Provider calls that take longer end UNCERTAIN (see functions/shared/provider-clients.ts). */
const PROVIDER_REQUEST_TIMEOUT_MS = 15_000;
const PROVIDER_CONNECT_TIMEOUT_MS = 3_000;
/** Where the response team's page links an execution; the handler fills `{region}` and `{executionArn}`. */
const EXECUTION_CONSOLE_URL = 'https://{region}.console.aws.amazon.com/states/home?region={region}#/v2/executions/details/{executionArn}';

/**
 * A value for every variable of the environment contract, from the settings and the resource names;
 * each function receives only its own (infra/functions.ts). The stack passes CloudFormation tokens as
 * names; the local twin passes its own: the handlers cannot tell.
 */
export function functionEnvironment(config: AppConfig, names: ResourceNames): EnvironmentValues {
  return {
    INCIDENTS_TABLE: names.incidentsTable,
    CUSTOMERS_TABLE: names.customersTable,
    DELIVERIES_TABLE: names.deliveriesTable,
    IDEMPOTENCY_TABLE: names.idempotencyTable,
    RESPONSE_TEAM_TOPIC_ARN: names.responseTeamTopicArn,
    SENDER_ADDRESS: config.senderAddress,
    SENDER_NAME: config.senderName ?? `${config.companyName} Security`,
    REPLY_TO_ADDRESS: config.replyToAddress ?? (z.email().safeParse(config.companyContact).success ? config.companyContact : undefined),
    TEMPLATE_PREFIX: config.templatePrefix,
    LOCALES: config.locales.join(','),
    APPROVER_EMAILS: config.approverEmails.join(','),
    BACKUP_APPROVER_EMAILS: config.backupApproverEmails.join(','),
    REPORT_RECIPIENTS: (config.reportRecipients ?? config.approverEmails).join(','),
    REPORT_LOCALE: config.reportLocale,
    APPROVER_LOCALES: config.approverLocales.join(','),
    APPROVAL_BASE_URL: names.approvalBaseUrl,
    COMPANY_NAME: config.companyName,
    COMPANY_CONTACT: config.companyContact ?? config.senderAddress,
    INCIDENT_PAGE_URL: config.incidentPageUrl || names.incidentPagesUrl,
    INCIDENT_PAGES_BUCKET: names.incidentPagesBucket,
    PUBLIC_CHANNELS_TOPIC_ARN: names.publicChannelsTopicArn,
    QUESTION_FORM_SECRET_ID: names.questionFormSecretId ?? 'breach-notice-question-form-key',
    SUPPORT_HOTLINE: config.supportHotline,
    QUESTION_FORM_URL: config.questionFormUrl,
    REMEDY_RULES: JSON.stringify(config.remedyRules),
    COMPANY_APOLOGY: config.apology ? JSON.stringify(config.apology) : undefined,
    SMS_LINK: config.smsLink,
    SMS_PRICE_PER_SEGMENT: String(config.smsPricePerSegment),
    SMS_PRICE_CURRENCY: config.smsPriceCurrency,
    UPDATE_CADENCE_SECONDS: String(config.updateCadenceHours * 3600),
    UPDATE_LEAD_SECONDS: config.updateLeadMinutes === undefined ? undefined : String(config.updateLeadMinutes * 60),
    UPDATE_CYCLES_PER_EXECUTION: String(updateCyclesPerExecution(config.updateCadenceHours)),
    APPROVAL_TIMEOUT_SECONDS: String(config.approvalTimeoutMinutes * 60),
    ESCALATION_TIMEOUT_SECONDS: String(config.escalationTimeoutMinutes * 60),
    TEAM_REMINDER_SECONDS: String(config.teamReminderMinutes * 60),
    EVIDENCE_WINDOW_SECONDS: String(config.evidenceWindowMinutes * 60),
    BOUNCE_RATE_LIMIT_PERCENT: String(config.bounceRateLimitPercent),
    COMPLAINT_RATE_LIMIT_PERCENT: String(config.complaintRateLimitPercent),
    REPUTATION_MINIMUM_MESSAGES: String(config.reputationMinimumMessages),
    MANUAL_ALARM_SOURCE: config.manualAlarmSource,
    AUDIENCE_CHUNK_SIZE: String(config.audienceChunkSize),
    APPROVAL_QUORUM: String(config.approvalQuorum),
    APPROVAL_CODE_CHANNEL: config.approvalCodeChannel,
    APPROVER_PHONES: config.approverPhones.join(','),
    STATE_MACHINE_ARN: names.stateMachineArn,
    SES_CONFIGURATION_SET: names.configurationSet,
    EXECUTION_CONSOLE_URL,
    CLOUDWATCH_ALARM_SEVERITY: String(config.cloudWatchAlarmSeverity),
    MAX_CHUNKS_PER_INVOCATION: String(MAX_CHUNKS_PER_INVOCATION),
    MAX_PARALLEL_SENDERS: String(config.maxParallelSenders),
    RESERVE_MS: String(SEND_RESERVE_MS),
    // The claim lease must outlive the sender, so a live sender is never taken over.
    CLAIM_LEASE_SECONDS: String(FUNCTIONS['send-notices'].timeoutSeconds + 60),
    SMS_CONCURRENCY: String(config.smsConcurrency),
    SMS_SENDER_ID: config.smsSenderId,
    PROVIDER_REQUEST_TIMEOUT_MS: String(PROVIDER_REQUEST_TIMEOUT_MS),
    PROVIDER_CONNECT_TIMEOUT_MS: String(PROVIDER_CONNECT_TIMEOUT_MS),
    SECTORS: config.sectors.join(','),
    REGULATOR_CLOCK_REMINDERS: config.regulatorClockReminders?.join(','),
    REGULATOR_CLOCK_SCALE: '1',
    DRILL_MODE: String(config.drillMode),
    DRILL_SMS_SINK: config.drillSmsSink,
    DRILL_TARGETS: JSON.stringify(config.drillTargets),
  };
}
