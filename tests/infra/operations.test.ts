import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../infra/config.js';
import { FUNCTIONS } from '../../infra/functions.js';
import { BreachNoticeStack } from '../../infra/stack.js';
import { AWS_METRICS, METRICS, METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/shared/metric-catalogue.js';

const context = {
  'breach-notice:senderAddress': 'notices@example.com',
  'breach-notice:approverEmails': 'a1@example.com',
  'breach-notice:backupApproverEmails': 'b1@example.com',
};

function synth(extra: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context, ...extra } });
  return Template.fromStack(new BreachNoticeStack(app, 'Test', { config: parseAppConfig((k) => app.node.tryGetContext(k)) }));
}

type Json = Record<string, unknown>;
interface AlarmProps {
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  Threshold: number;
  ComparisonOperator: string;
  Dimensions?: { Name: string; Value: unknown }[];
  AlarmActions?: unknown[];
  AlarmDescription: string;
}

let template: Template;
let alarms: Record<string, AlarmProps>;
const topicRef = () => Object.keys(template.findResources('AWS::SNS::Topic')).find((id) => id.includes('ResponseTeam'))!;

beforeAll(() => {
  template = synth();
  alarms = Object.fromEntries(
    Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, r]) => [id, (r as { Properties: AlarmProps }).Properties]),
  );
});

/** The one alarm whose logical id starts with `Operations<id>`. */
function alarm(id: string): AlarmProps {
  const found = Object.entries(alarms).filter(([logicalId]) => logicalId.startsWith(`Operations${id}`));
  expect(found.map(([logicalId]) => logicalId)).toHaveLength(1);
  return found[0]![1];
}

const catalogue = (key: keyof typeof METRICS) => ({
  Namespace: METRICS_NAMESPACE,
  MetricName: METRICS[key].name,
  Statistic: METRICS[key].statistic,
  Dimensions: [{ Name: 'service', Value: METRICS_SERVICE }],
});

describe("operators' alarms", () => {
  it('every alarm pages the response team and says what to do', () => {
    expect(Object.keys(alarms).length).toBeGreaterThan(2 * Object.keys(FUNCTIONS).length);
    for (const [id, a] of Object.entries(alarms)) {
      expect(a.AlarmActions, id).toEqual([{ Ref: topicRef() }]);
      expect(a.AlarmDescription.length, id).toBeGreaterThan(60);
    }
  });

  it('the workflow failing or timing out alarms at the first execution', () => {
    expect(alarm('WorkflowFailed')).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarm('WorkflowTimedOut')).toMatchObject({ Namespace: 'AWS/States', MetricName: 'ExecutionsTimedOut', Threshold: 1 });
  });

  it("every function's errors alarm, and its throttles unless it is throttled by design (reserved concurrency)", () => {
    for (const [name, descriptor] of Object.entries(FUNCTIONS)) {
      const pascal = name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
      expect(alarm(`${pascal}Errors`), name).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Threshold: 1 });
      const throttles = Object.keys(alarms).filter((id) => id.startsWith(`Operations${pascal}Throttles`));
      expect(throttles, name).toHaveLength('reservedConcurrency' in descriptor ? 0 : 1);
    }
  });

  it('the gauges the clocks sweep measures alarm at their settings', () => {
    expect(alarm('ApprovalOverdue')).toMatchObject({ ...catalogue('approvalsOverdue'), Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm('PromiseAboutToBeMissed')).toMatchObject({ ...catalogue('nextPromiseDueIn'), Threshold: 3600, ComparisonOperator: 'LessThanThreshold' });
    expect(alarm('RegulatorDeadlineAboutToBeMissed')).toMatchObject({
      ...catalogue('nextRegulatorDeadlineIn'),
      Threshold: 6 * 3600,
      ComparisonOperator: 'LessThanThreshold',
    });
    expect(alarm('SendQuotaNearLimit')).toMatchObject({ ...catalogue('sendQuotaUsed'), Threshold: 80 });
  });

  it("SES's reputation and SNS's SMS spend alarm below AWS's own limits, as set", () => {
    expect(alarm('SesBounceRate')).toMatchObject({ Namespace: 'AWS/SES', MetricName: AWS_METRICS.sesBounceRate.name, Threshold: 0.04 });
    expect(alarm('SesComplaintRate')).toMatchObject({ Namespace: 'AWS/SES', MetricName: AWS_METRICS.sesComplaintRate.name, Threshold: 0.0008 });
    expect(alarm('SmsSpendNearLimit')).toMatchObject({ Namespace: 'AWS/SNS', MetricName: 'SMSMonthToDateSpentUSD', Threshold: 0.8 });
    const raised = synth({
      'breach-notice:smsMonthlySpendLimitUsd': '500',
      'breach-notice:smsSpendAlarmPercent': '90',
      'breach-notice:promiseAlarmMinutes': '120',
    });
    raised.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SMSMonthToDateSpentUSD', Threshold: 450 });
    raised.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: METRICS.nextPromiseDueIn.name, Threshold: 7200 });
  });
});

describe("operators' dashboard", () => {
  /** The dashboard's body with its tokens joined, as CloudFormation would resolve them (names only). */
  function body(): { widgets: { properties: Json & { title?: string; metrics?: unknown[][] } }[] } {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as { Properties: { DashboardBody: unknown } }[];
    const parts = (dashboard!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p).replace(/"/g, "'"))).join(''));
  }
  const widget = (title: string) => {
    const found = body().widgets.find((w) => w.properties.title === title);
    expect(found, title).toBeDefined();
    return JSON.stringify(found!.properties.metrics);
  };

  it('shows the catalogue gauges, the notices per channel, the workflow, every function, the dead letters, SES and SMS', () => {
    for (const name of [
      'IncidentsOpen',
      'ApprovalsWaiting',
      'ApprovalsOverdue',
      'PromisesDueWithinDay',
      'RegulatorDeadlinesDueWithinDay',
      'RegulatorDeadlinesMissed',
    ]) {
      expect(widget('Now')).toContain(name);
    }
    expect(widget('Incidents and approvals')).toContain(METRICS.oldestApprovalAge.name);
    for (const name of ['NoticesSent', 'NoticesFailed', 'NoticesUncertain']) {
      expect(widget('Notices sent, failed, uncertain per channel')).toContain(`MetricName=\\"${name}\\"`);
    }
    for (const name of ['NoticesDelivered', 'NoticesBounced']) expect(widget('Delivery evidence per channel')).toContain(name);
    for (const name of ['ExecutionsStarted', 'ExecutionsFailed', 'ExecutionsTimedOut']) expect(widget('Workflow executions')).toContain(name);
    expect(widget('Dead-letter queues').match(/ApproximateNumberOfMessagesVisible/g)).toHaveLength(2);
    expect(widget('SES reputation (account)')).toMatch(/Reputation\.BounceRate.*Reputation\.ComplaintRate/);
    expect(widget('Email send rate against quota')).toMatch(/MaxSendRate.*SendQuotaUsed|SendQuotaUsed.*MaxSendRate/);
    expect(widget('SMS spend against the limit (USD)')).toContain('SMSMonthToDateSpentUSD');
    const functions = Object.keys(FUNCTIONS).length;
    expect(widget('Function errors').match(/"Errors"/g)).toHaveLength(functions);
    expect(widget('Function throttles').match(/"Throttles"/g)).toHaveLength(functions);
    expect(widget('Function duration p99').match(/"p99"/g)).toHaveLength(functions);
  });
});
