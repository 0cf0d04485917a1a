import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  type IMetric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AWS_METRICS, METRICS, METRICS_NAMESPACE, METRICS_SERVICE, type AwsMetricDefinition, type MetricKey } from '../../functions/shared/metric-catalogue.js';
import { FUNCTIONS, type FunctionName } from '../functions.js';
import { BreachNoticeFunction } from './breach-notice-function.js';
import { pageTeam } from './dead-letter-alarm.js';

/** When the team is alarmed; each a setting (infra/config.ts) with its default there. */
export interface OperationsThresholds {
  readonly functionErrorAlarmCount: number;
  readonly promiseAlarmMinutes: number;
  readonly regulatorDeadlineAlarmHours: number;
  readonly sendQuotaAlarmPercent: number;
  readonly sesBounceRateAlarmPercent: number;
  readonly sesComplaintRateAlarmPercent: number;
  readonly smsMonthlySpendLimitUsd: number;
  readonly smsSpendAlarmPercent: number;
  readonly evidenceWindowMinutes: number;
}

export interface OperationsProps {
  readonly stateMachine: IStateMachine;
  /** The dead-letter queues, by the name the dashboard gives them; their alarms are their constructs' (dead-letter-alarm.ts). */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** The queue SES's events wait in for record-delivery-evidence: its oldest message's age is how late the evidence is. */
  readonly evidenceQueue: IQueue;
  readonly responseTeamTopic: ITopic;
  readonly thresholds: OperationsThresholds;
}

const FIVE_MINUTES = Duration.minutes(5);
const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

/**
 * A metric of the catalogue (shared/metric-catalogue.ts): the name, statistic and `service` dimension the
 * functions emit. Labelled for a graph; unlabelled for an alarm, which then names the metric itself.
 */
export function catalogueMetric(key: MetricKey, period: Duration = FIVE_MINUTES, labelled = true): Metric {
  const def = METRICS[key];
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: def.name,
    dimensionsMap: { service: METRICS_SERVICE },
    statistic: def.statistic,
    period,
    ...(labelled ? { label: def.label } : {}),
  });
}

function awsMetric(def: AwsMetricDefinition, period: Duration = FIVE_MINUTES, labelled = true): Metric {
  return new Metric({ namespace: def.namespace, metricName: def.name, statistic: def.statistic, period, ...(labelled ? { label: def.label } : {}) });
}

/** Every channel's series of a per-channel metric, found by CloudWatch (a dashboard may search; an alarm may not). */
function perChannel(key: MetricKey): MathExpression {
  const def = METRICS[key];
  return new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},channel,service} MetricName="${def.name}" service="${METRICS_SERVICE}"', '${def.statistic}', 300)`,
    label: def.name,
    period: FIVE_MINUTES,
  });
}

/**
 * What operators watch and what pages them: a CloudWatch dashboard of the catalogue's metrics, the
 * workflow's executions, every function's errors, throttles and p99 duration, the dead-letter queues
 * and SES's and SNS's account metrics; and an alarm per failure mode to the response team's topic,
 * each saying what to do (docs/operating.md says more).
 */
export class Operations extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { stateMachine, thresholds: t } = props;
    // Every function of the stack, whichever construct built it; created last, so all exist.
    const functions = Stack.of(this)
      .node.findAll()
      .filter((c): c is BreachNoticeFunction => c instanceof BreachNoticeFunction)
      .sort((a, b) => a.handlerName.localeCompare(b.handlerName));

    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string, below = false) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: below ? ComparisonOperator.LESS_THAN_THRESHOLD : ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // No data is no incident, no send, no approval: nothing to page about.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      pageTeam(created, props.responseTeamTopic);
      this.alarms.push(created);
      return created;
    };

    const execution = 'Open the Step Functions console at the execution named by the incident id';
    alarm(
      'WorkflowFailed',
      stateMachine.metricFailed({ period: Duration.minutes(1), statistic: 'Sum' }),
      1,
      `An incident's workflow failed outside its own catch: its customers are not being told. ${execution}, read the failed state's error and the timeline (npm run incident -- show <incidentId>), fix the cause, then report the incident again (docs/operating.md).`,
    );
    alarm(
      'WorkflowTimedOut',
      stateMachine.metricTimedOut({ period: Duration.minutes(1), statistic: 'Sum' }),
      1,
      `An incident's workflow timed out. ${execution}, find the state it waited in and the timeline (npm run incident -- show <incidentId>), then report the incident again (docs/operating.md).`,
    );
    for (const fn of functions) {
      const name = pascal(fn.handlerName);
      alarm(
        `${name}Errors`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        t.functionErrorAlarmCount,
        `breach-notice ${fn.handlerName} failed ${t.functionErrorAlarmCount} time(s) or more in 5 minutes. Read its log group (errors are logged with the incident id), fix the cause; a workflow step is retried by its state, an HTTP request is the caller's to repeat.`,
      );
      // A function with reserved concurrency is throttled by design (its events wait in Lambda's async queue, or in its SQS queue).
      if ((FUNCTIONS[fn.handlerName as FunctionName] as { reservedConcurrency?: number }).reservedConcurrency !== undefined) continue;
      alarm(
        `${name}Throttles`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        `breach-notice ${fn.handlerName} was throttled: the account's Lambda concurrency is spent. Find what uses it (Lambda console, ConcurrentExecutions) and ask AWS for more, or lower maxParallelSenders.`,
      );
    }
    alarm(
      'ApprovalOverdue',
      catalogueMetric('approvalsOverdue', Duration.minutes(1), false),
      1,
      'An approval request waits past its own timeout: the escalation or the team page did not happen. Open the console or the approval emails, decide the notice, or redraft it (npm run incident -- redraft <incidentId>).',
    );
    alarm(
      'PromiseAboutToBeMissed',
      catalogueMetric('nextPromiseDueIn', Duration.minutes(1), false),
      t.promiseAlarmMinutes * 60,
      `An update promised to customers is due within ${t.promiseAlarmMinutes} minutes and none is sent. Have the waiting update approved now (its approvers have links), or redraft it; the sweep pages MISSED when the time comes.`,
      true,
    );
    alarm(
      'RegulatorDeadlineAboutToBeMissed',
      catalogueMetric('nextRegulatorDeadlineIn', Duration.minutes(1), false),
      t.regulatorDeadlineAlarmHours * 3600,
      `A regulator's deadline is less than ${t.regulatorDeadlineAlarmHours} hours away and not filed. Review the report (npm run incident -- regulator-report <incidentId> <obligationId>), have counsel file it and record the filing (regulator-filed), or mark it not applicable (regulator-na).`,
      true,
    );
    alarm(
      'SesBounceRate',
      awsMetric(AWS_METRICS.sesBounceRate, FIVE_MINUTES, false),
      t.sesBounceRateAlarmPercent / 100,
      `The account's SES bounce rate is at ${t.sesBounceRateAlarmPercent}% (SES reviews the account at about 5%). Check the incidents' notices for bounces (the dashboard's Bounced), clean the customer directory, and read the SES reputation dashboard.`,
    );
    alarm(
      'SesComplaintRate',
      awsMetric(AWS_METRICS.sesComplaintRate, FIVE_MINUTES, false),
      t.sesComplaintRateAlarmPercent / 100,
      `The account's SES complaint rate is at ${t.sesComplaintRateAlarmPercent}% (SES reviews the account at about 0.1%). Check which notice draws complaints, and read the SES reputation dashboard before sending more.`,
    );
    alarm(
      'SendQuotaNearLimit',
      catalogueMetric('sendQuotaUsed', FIVE_MINUTES, false),
      t.sendQuotaAlarmPercent,
      `${t.sendQuotaAlarmPercent}% or more of SES's daily sending quota is used: the rest of a notice waits for the 24-hour window. Ask AWS for a higher quota (SES console, account dashboard).`,
    );
    // UNCERTAIN email with no evidence after the window is sent again: evidence later than the window turns a lost answer into a duplicate.
    const lateAfter = Math.ceil((t.evidenceWindowMinutes * 60) / 3);
    alarm(
      'DeliveryEvidenceLate',
      props.evidenceQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      lateAfter,
      `SES's delivery events wait in the evidence queue ${lateAfter} s or more (a third of evidenceWindowMinutes, ${t.evidenceWindowMinutes}): past the window, a lost call's recipients would be sent again before their evidence is read. A record failing again and again ages the queue too: read record-delivery-evidence's errors and its EvidenceNotRecorded metric first. If it is keeping up too slowly, raise its reserved concurrency (the queue mapping's maximum follows it), or evidenceWindowMinutes.`,
    );
    const smsAt = (t.smsMonthlySpendLimitUsd * t.smsSpendAlarmPercent) / 100;
    alarm(
      'SmsSpendNearLimit',
      awsMetric(AWS_METRICS.smsSpend, FIVE_MINUTES, false),
      smsAt,
      `SMS spend this month reached ${smsAt} USD, ${t.smsSpendAlarmPercent}% of the account's limit of ${t.smsMonthlySpendLimitUsd} USD: past it SNS stops sending texts. Raise the limit in SNS (text messaging preferences; above the account's quota, ask AWS) and set smsMonthlySpendLimitUsd to match.`,
    );

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.hours(24),
      widgets: this.widgets(props, functions, smsAt),
    });
  }

  private widgets(props: OperationsProps, functions: BreachNoticeFunction[], smsAt: number): IWidget[][] {
    const { stateMachine, thresholds: t } = props;
    const gauge = (key: MetricKey) => catalogueMetric(key, Duration.minutes(1));
    const perFunction = (metric: (fn: BreachNoticeFunction) => IMetric) => functions.map(metric);
    return [
      [
        new TextWidget({
          markdown: '# breach-notice operations\nAlarms page the response team; docs/operating.md says what each means and what to do.',
          width: 24,
          height: 2,
        }),
      ],
      [
        new SingleValueWidget({
          title: 'Now',
          width: 24,
          height: 4,
          metrics: (
            [
              'incidentsOpen',
              'approvalsWaiting',
              'approvalsOverdue',
              'promisesDueWithinDay',
              'regulatorDeadlinesDueWithinDay',
              'regulatorDeadlinesMissed',
            ] as const
          ).map(gauge),
        }),
      ],
      [
        new GraphWidget({
          title: 'Incidents and approvals',
          width: 12,
          left: [gauge('incidentsOpen'), gauge('approvalsWaiting')],
          right: [gauge('oldestApprovalAge')],
        }),
        new GraphWidget({
          title: 'Promises and regulators',
          width: 12,
          left: [gauge('promisesDueWithinDay'), gauge('regulatorDeadlinesDueWithinDay'), gauge('regulatorDeadlinesMissed'), catalogueMetric('promisesMissed')],
          right: [gauge('nextPromiseDueIn'), gauge('nextRegulatorDeadlineIn')],
        }),
      ],
      [
        new GraphWidget({
          title: 'Notices sent, failed, uncertain per channel',
          width: 12,
          left: (['noticesSent', 'noticesFailed', 'noticesUncertain'] as const).map(perChannel),
        }),
        new GraphWidget({
          title: 'Delivery evidence per channel',
          width: 12,
          left: (['noticesDelivered', 'noticesBounced', 'noticesComplained'] as const).map(perChannel),
        }),
      ],
      [
        new GraphWidget({
          title: 'Workflow executions',
          width: 8,
          left: [stateMachine.metricStarted(), stateMachine.metricFailed(), stateMachine.metricTimedOut()].map((m) =>
            m.with({ statistic: 'Sum', period: FIVE_MINUTES }),
          ),
        }),
        new GraphWidget({
          title: 'Dead-letter queues',
          width: 8,
          left: Object.entries(props.deadLetterQueues).map(([label, q]) =>
            q.metricApproximateNumberOfMessagesVisible({ label, period: FIVE_MINUTES, statistic: 'Maximum' }),
          ),
        }),
        new GraphWidget({
          title: 'SES reputation (account)',
          width: 8,
          left: [awsMetric(AWS_METRICS.sesBounceRate), awsMetric(AWS_METRICS.sesComplaintRate)],
          leftAnnotations: [
            { value: t.sesBounceRateAlarmPercent / 100, label: 'bounce alarm' },
            { value: t.sesComplaintRateAlarmPercent / 100, label: 'complaint alarm' },
          ],
        }),
      ],
      [
        new GraphWidget({
          title: 'Email send rate against quota',
          width: 8,
          left: [
            new MathExpression({
              expression: 'sent / PERIOD(sent)',
              usingMetrics: { sent: awsMetric(AWS_METRICS.sesSent, Duration.minutes(1)) },
              label: 'Emails sent per second',
              period: Duration.minutes(1),
            }),
            gauge('maxSendRate'),
          ],
          right: [catalogueMetric('sendQuotaUsed')],
          rightAnnotations: [{ value: t.sendQuotaAlarmPercent, label: 'daily quota alarm' }],
        }),
        new GraphWidget({
          title: 'SMS spend against the limit (USD)',
          width: 8,
          left: [awsMetric(AWS_METRICS.smsSpend)],
          leftAnnotations: [
            { value: t.smsMonthlySpendLimitUsd, label: 'limit' },
            { value: smsAt, label: 'alarm' },
          ],
        }),
        new GraphWidget({
          title: 'Alarms and customers',
          width: 8,
          left: [catalogueMetric('alarmsAccepted'), catalogueMetric('alarmsRejected'), catalogueMetric('affectedCustomers')],
        }),
      ],
      [
        new GraphWidget({
          title: 'Function errors',
          width: 8,
          left: perFunction((fn) => fn.metricErrors({ label: fn.handlerName, period: FIVE_MINUTES, statistic: 'Sum' })),
        }),
        new GraphWidget({
          title: 'Function throttles',
          width: 8,
          left: perFunction((fn) => fn.metricThrottles({ label: fn.handlerName, period: FIVE_MINUTES, statistic: 'Sum' })),
        }),
        new GraphWidget({
          title: 'Function duration p99',
          width: 8,
          left: perFunction((fn) => fn.metricDuration({ label: fn.handlerName, period: FIVE_MINUTES, statistic: 'p99' })),
        }),
      ],
    ];
  }
}
