import * as z from 'zod';
import { commaList, emailList, jsonOf, localesEnv, positiveInt } from './config.js';
import { remedyRulesSchema } from '../domain/remedies.js';
import { companyApologySchema, smsLinkSchema } from '../domain/notice.js';
import { parseReminderPoint } from '../domain/obligations/settings.js';
import { sectors } from '../domain/obligations/settings.js';
import { drillTargetsSchema } from '../domain/drill-report.js';
import { SES_REVIEW_LEVELS } from '../domain/reputation.js';

/**
 * The environment contract between `infra/` and `functions/`: every variable a handler may read, with
 * its schema, declared once. Each function's keys are listed once, in its descriptor (infra/functions.ts),
 * which the stack sets and its handler parses (`configSchema`); `functionEnvironment` (infra/config.ts)
 * must give every key a value, so a new variable fails the type check until the stack sets it. No defaults: whatever a handler reads, the
 * stack (and the twin, from the same code) sets.
 */
export const ENVIRONMENT = {
  INCIDENTS_TABLE: z.string().min(1),
  CUSTOMERS_TABLE: z.string().min(1),
  DELIVERIES_TABLE: z.string().min(1),
  IDEMPOTENCY_TABLE: z.string().min(1),
  RESPONSE_TEAM_TOPIC_ARN: z.string().startsWith('arn:'),
  STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  /** `{region}` and `{executionArn}` are filled in; the local twin points it at its own console. */
  EXECUTION_CONSOLE_URL: z.string().min(1),
  SENDER_ADDRESS: z.email(),
  /** The display name customers see on notices; `formatSender` encodes it for the From header. */
  SENDER_NAME: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[^\r\n]+$/),
  /** Where customers' replies go; absent: to the sender address. */
  REPLY_TO_ADDRESS: z.email().optional(),
  /** The stack's configuration set (the twin registers the same with its SES emulator): its events are the delivery evidence. */
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  TEMPLATE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/),
  // The locale settings are declared with the catalogues (LOCALES, REPORT_LOCALE, ...).
  ...localesEnv.shape,
  APPROVER_EMAILS: emailList,
  BACKUP_APPROVER_EMAILS: emailList,
  APPROVAL_BASE_URL: z.url(),
  APPROVAL_QUORUM: positiveInt.max(10),
  APPROVAL_CODE_CHANNEL: z.enum(['email', 'sms']),
  APPROVER_PHONES: commaList,
  APPROVAL_TIMEOUT_SECONDS: positiveInt,
  ESCALATION_TIMEOUT_SECONDS: positiveInt,
  /** How long the workflow waits on the team (a scope decision, a redraft) between reminders. */
  TEAM_REMINDER_SECONDS: positiveInt,
  /** How long a lost call's recipients wait for SES evidence before they are sent again. */
  EVIDENCE_WINDOW_SECONDS: positiveInt,
  /** The reputation guard's limits in percent (domain/reputation.ts), each below SES's review level. */
  BOUNCE_RATE_LIMIT_PERCENT: z.coerce
    .number()
    .positive()
    .lt(SES_REVIEW_LEVELS.bounceRate * 100),
  COMPLAINT_RATE_LIMIT_PERCENT: z.coerce
    .number()
    .positive()
    .lt(SES_REVIEW_LEVELS.complaintRate * 100),
  /** Emails behind a rate before it is judged. */
  REPUTATION_MINIMUM_MESSAGES: positiveInt,
  REPORT_RECIPIENTS: emailList,
  COMPANY_NAME: z.string().min(1),
  COMPANY_CONTACT: z.string().min(1),
  INCIDENT_PAGE_URL: z.url(),
  /** Printed in every notice's contacts when set. */
  SUPPORT_HOTLINE: z.string().min(1).optional(),
  QUESTION_FORM_URL: z.url().optional(),
  /** Remedies offered by rule (domain/remedies.ts), as JSON; written by infra/config.ts from `remedyRules`. */
  REMEDY_RULES: jsonOf(remedyRulesSchema),
  /** The company's own first-notice apology per locale, as JSON (setting `apology`); absent: the catalogue's. */
  COMPANY_APOLOGY: jsonOf(companyApologySchema).optional(),
  /** The one link customer SMS may carry (setting `smsLink`); absent: none. */
  SMS_LINK: smsLinkSchema.optional(),
  /** The bucket CloudFront serves the incident pages from (`<incidentId>/<locale>.html|json`). */
  INCIDENT_PAGES_BUCKET: z.string().min(3),
  /** Downstream public channels (app push, social relays) hear of every page publication here. */
  PUBLIC_CHANNELS_TOPIC_ARN: z.string().startsWith('arn:'),
  /** The Secrets Manager secret holding the question form's HMAC key (its ARN in AWS). */
  QUESTION_FORM_SECRET_ID: z.string().min(1),
  /** For the SMS cost estimate approvers see. */
  SMS_PRICE_PER_SEGMENT: z.coerce.number().min(0),
  SMS_PRICE_CURRENCY: z.string().regex(/^[A-Z]{3}$/),
  UPDATE_CADENCE_SECONDS: positiveInt,
  /** How long before an update is due its drafting starts (setting `updateLeadMinutes`); absent: derived from the approval timeouts (domain/promises.ts). */
  UPDATE_LEAD_SECONDS: positiveInt.optional(),
  /** Notice cycles an execution runs before the incident continues in a new one (infra/definition/continuation.ts). */
  UPDATE_CYCLES_PER_EXECUTION: positiveInt,
  MANUAL_ALARM_SOURCE: z.string().min(1),
  CLOUDWATCH_ALARM_SEVERITY: z.coerce.number().min(0).max(10),
  AUDIENCE_CHUNK_SIZE: positiveInt.max(2000),
  MAX_CHUNKS_PER_INVOCATION: positiveInt,
  /** Senders (slices of the audience) at once, at most; the SES send rate decides how many are used. */
  MAX_PARALLEL_SENDERS: positiveInt.max(40),
  /** No new provider call starts when less than this remains of the invocation. */
  RESERVE_MS: positiveInt,
  /** Must be at least the function timeout, so a live holder is never taken over. */
  CLAIM_LEASE_SECONDS: positiveInt,
  SMS_CONCURRENCY: positiveInt.max(50),
  /** Unset: SNS picks the sender (alphanumeric ids are not allowed in every country). */
  SMS_SENDER_ID: z
    .string()
    .regex(/^[A-Za-z0-9]{1,11}$/)
    .optional(),
  /** How long a provider call may take before its outcome is treated as unknown. */
  PROVIDER_REQUEST_TIMEOUT_MS: positiveInt,
  PROVIDER_CONNECT_TIMEOUT_MS: positiveInt,
  /** The sectors the company is in (domain/obligations/table.ts): regulators' obligations of regulated firms trigger on them. */
  SECTORS: commaList.pipe(z.array(z.enum(sectors))),
  /** Reminder points for every regulator's clock (`50%`, `1h` ...); absent: each obligation's own. */
  REGULATOR_CLOCK_REMINDERS: commaList
    .pipe(
      z
        .array(
          z.string().transform((p, ctx) => {
            try {
              return parseReminderPoint(p);
            } catch (error) {
              ctx.addIssue({ code: 'custom', message: (error as Error).message });
              return z.NEVER;
            }
          }),
        )
        .min(1),
    )
    .optional(),
  /** How much faster than real time regulators' clocks run: 1 in AWS; the twin's time scale. */
  REGULATOR_CLOCK_SCALE: z.coerce.number().min(1),
  /** `true`: every incident intake opens is a drill (deploy setting `drillMode`). */
  DRILL_MODE: z.enum(['true', 'false']).transform((v) => v === 'true'),
  /** Where a drill's SMS go (E.164); absent: a drill sends no SMS (recorded FAILED). */
  DRILL_SMS_SINK: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/)
    .optional(),
  /** The playbook's targets for the drill report (domain/drill-report.ts), as JSON. */
  DRILL_TARGETS: jsonOf(drillTargetsSchema),
} as const;

export type EnvKey = keyof typeof ENVIRONMENT;

/** A value for every variable: a string, or undefined where the schema lets the variable be absent. */
export type EnvironmentValues = { [K in EnvKey]: undefined extends z.output<(typeof ENVIRONMENT)[K]> ? string | undefined : string };

/** Read by `clients.ts`, which every handler loads, so every function receives them. */
export const CLIENT_VARIABLES = ['PROVIDER_REQUEST_TIMEOUT_MS', 'PROVIDER_CONNECT_TIMEOUT_MS'] as const satisfies readonly EnvKey[];

/** Read by shared/incident-page-publishing.ts: every function that renders an incident page receives them. */
export const INCIDENT_PAGE_VARIABLES = [
  'LOCALES',
  'INCIDENTS_TABLE',
  'COMPANY_NAME',
  'INCIDENT_PAGE_URL',
  'INCIDENT_PAGES_BUCKET',
  'PUBLIC_CHANNELS_TOPIC_ARN',
  'APPROVAL_BASE_URL',
] as const satisfies readonly EnvKey[];

/** The schema of the given variables of the contract, for `parseConfig`. */
export function pick<K extends EnvKey>(...keys: K[]): z.ZodObject<Pick<typeof ENVIRONMENT, K>> {
  return z.object(Object.fromEntries(keys.map((k) => [k, ENVIRONMENT[k]])) as Pick<typeof ENVIRONMENT, K>);
}
