/*
 * Every metric an operator acts on, named once: the functions emit the project's own through Powertools
 * (embedded metric format, shared/handler.ts), the stack's dashboard and alarms read the same names
 * (infra/constructs/operations.ts), and so does the twin's console. Handlers import this
 * module: it must not import aws-cdk-lib or Powertools.
 */

/** POWERTOOLS_METRICS_NAMESPACE, set on every function by the stack (infra/constructs/breach-notice-function.ts). */
export const METRICS_NAMESPACE = 'BreachNotice';
/**
 * POWERTOOLS_SERVICE_NAME: Powertools adds it to every metric as the dimension `service`, so a reader
 * that leaves it out reads another (empty) metric
 * (https://docs.aws.amazon.com/powertools/typescript/latest/features/metrics/#terminologies).
 */
export const METRICS_SERVICE = 'breach-notice';

/** The units used here; their strings are CloudWatch's (and Powertools' MetricUnit values). */
export type MetricUnitName = 'Count' | 'Seconds' | 'Percent' | 'Count/Second';
/** How readers aggregate a metric over a period: Sum for events, Maximum or Minimum for a gauge measured every minute. */
export type MetricStatistic = 'Sum' | 'Maximum' | 'Minimum';
export type MetricDimension = 'channel';

export interface MetricDefinition {
  readonly name: string;
  readonly unit: MetricUnitName;
  readonly statistic: MetricStatistic;
  /** Dimensions besides `service`. */
  readonly dimensions: readonly MetricDimension[];
  /** What it counts and who emits it: the dashboard's and the console's label. */
  readonly label: string;
}

const counted = (name: string, label: string) => ({ name, unit: 'Count' as const, statistic: 'Sum' as const, dimensions: [] as const, label });
const perChannel = (name: string, label: string) => ({ ...counted(name, label), dimensions: ['channel'] as const });
const gauge = (name: string, unit: MetricUnitName, statistic: MetricStatistic, label: string) => ({ name, unit, statistic, dimensions: [] as const, label });

/**
 * The project's own metrics. Gauges are measured by the clocks' sweep (regulator-clocks, every minute),
 * which already reads the running clocks and promises: a ListExecutions and a Query per open incident
 * is all it adds. Events are counted where they happen (intake, assess-impact, send-notices, the
 * delivery evidence), the SES quota where it is read (prepare-sending), and flushed as the invocation ends.
 */
export const METRICS = {
  alarmsAccepted: counted('AlarmsAccepted', 'Alarms that opened or joined an incident (intake)'),
  alarmsRejected: counted('AlarmsRejected', 'Alarm events intake refused (intake)'),
  affectedCustomers: counted('AffectedCustomers', 'Customers found affected (assess-impact)'),
  incidentsOpen: gauge('IncidentsOpen', 'Count', 'Maximum', 'Incidents open: their workflow runs'),
  noticesSent: perChannel('NoticesSent', 'Notices the provider accepted, per channel (send-notices)'),
  noticesFailed: perChannel('NoticesFailed', 'Notices that could not be sent, per channel (send-notices)'),
  noticesUncertain: perChannel('NoticesUncertain', 'Provider calls whose answer was lost, per channel (send-notices; reconciled later)'),
  noticesDelivered: perChannel('NoticesDelivered', 'Notices delivered, per channel (SES delivery events)'),
  noticesBounced: perChannel('NoticesBounced', 'Notices that will never arrive, per channel (SES permanent bounces, SNS SMS failures)'),
  noticesComplained: perChannel('NoticesComplained', 'Complaints about notices, per channel (SES complaint events)'),
  otherEvidence: perChannel('OtherEvidence', 'Other delivery evidence (sends, delays, rejects, transient bounces), per channel'),
  evidenceIgnored: counted('EvidenceIgnored', 'SES events about messages that are not notices'),
  evidenceNotRecorded: counted('EvidenceNotRecorded', 'SES events a batch could not record or read (received again; after 5 receives, the dead-letter queue)'),
  smsStatusNotCustomer: counted('SmsStatusNotCustomer', 'SMS delivery status records for numbers no customer has (record-sms-status)'),
  smsStatusEarly: counted('SmsStatusEarly', 'SMS delivery status records that came before their outcome, kept for the send step to record (record-sms-status)'),
  smsStatusUnreadable: counted('SmsStatusUnreadable', 'SMS delivery status records that could not be read (record-sms-status)'),
  approvalsWaiting: gauge('ApprovalsWaiting', 'Count', 'Maximum', 'Approval requests waiting for a decision'),
  oldestApprovalAge: gauge('OldestApprovalAge', 'Seconds', 'Maximum', 'Age of the oldest approval request waiting'),
  approvalsOverdue: gauge('ApprovalsOverdue', 'Count', 'Maximum', 'Approval requests still waiting after their own timeout'),
  promisesDueWithinDay: gauge('PromisesDueWithinDay', 'Count', 'Maximum', 'Updates promised to customers, due within a day'),
  nextPromiseDueIn: gauge('NextPromiseDueIn', 'Seconds', 'Minimum', 'Time left until the next promised update is due'),
  promisesMissed: counted('PromisesMissed', 'Promised updates that came due unsent (paged)'),
  regulatorDeadlinesDueWithinDay: gauge('RegulatorDeadlinesDueWithinDay', 'Count', 'Maximum', "Regulators' deadlines due within a day, not filed"),
  nextRegulatorDeadlineIn: gauge('NextRegulatorDeadlineIn', 'Seconds', 'Minimum', "Time left until the next regulator's deadline"),
  regulatorDeadlinesMissed: gauge('RegulatorDeadlinesMissed', 'Count', 'Maximum', "Regulators' deadlines passed, not filed"),
  maxSendRate: gauge('MaxSendRate', 'Count/Second', 'Minimum', "The account's SES send rate, emails per second (prepare-sending)"),
  sendQuotaUsed: gauge('SendQuotaUsed', 'Percent', 'Maximum', "Emails sent in the last 24 hours, of the account's SES daily quota (prepare-sending)"),
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;
/** The metrics counted per channel (their `channel` dimension). */
export type ChannelMetricKey = { [K in MetricKey]: (typeof METRICS)[K]['dimensions'] extends readonly ['channel'] ? K : never }[MetricKey];

/** A metric AWS publishes, which the project reads but never emits. */
export interface AwsMetricDefinition {
  readonly namespace: string;
  readonly name: string;
  readonly statistic: MetricStatistic;
  readonly unit: MetricUnitName | 'None';
  readonly label: string;
}

/**
 * SES's sends and reputation, account-wide, the rates as fractions (0.05 is 5%)
 * (https://docs.aws.amazon.com/ses/latest/dg/reputationdashboard-cloudwatch-alarm.html); SNS's SMS spend
 * this month in US dollars (https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html).
 */
export const AWS_METRICS = {
  sesBounceRate: { namespace: 'AWS/SES', name: 'Reputation.BounceRate', statistic: 'Maximum', unit: 'None', label: 'SES bounce rate (account)' },
  sesComplaintRate: { namespace: 'AWS/SES', name: 'Reputation.ComplaintRate', statistic: 'Maximum', unit: 'None', label: 'SES complaint rate (account)' },
  sesSent: { namespace: 'AWS/SES', name: 'Send', statistic: 'Sum', unit: 'Count', label: 'Emails sent (account)' },
  smsSpend: { namespace: 'AWS/SNS', name: 'SMSMonthToDateSpentUSD', statistic: 'Maximum', unit: 'None', label: 'SMS spend this month (USD)' },
} as const satisfies Record<string, AwsMetricDefinition>;
