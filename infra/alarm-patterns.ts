import type { AppConfig } from './config.js';
import { MANUAL_DETAIL_TYPE } from '../functions/domain/alarms.js';

/** An EventBridge event pattern, as deployed. The local twin matches events against the same objects. */
export type EventPattern = Record<string, unknown>;

/** The rules that start incidents, by name; each becomes one EventBridge rule targeting the intake. */
export function alarmPatterns(config: AppConfig): Record<string, EventPattern> {
  return {
    GuardDutyFindings: {
      source: ['aws.guardduty'],
      'detail-type': ['GuardDuty Finding'],
      detail: { severity: [{ numeric: ['>=', config.guardDutySeverityThreshold] }] },
    },
    SecurityHubFindings: {
      source: ['aws.securityhub'],
      'detail-type': ['Security Hub Findings - Imported'],
      detail: { findings: { Severity: { Label: config.securityHubLabels }, RecordState: ['ACTIVE'] } },
    },
    MacieFindings: {
      source: ['aws.macie'],
      'detail-type': ['Macie Finding'],
    },
    SecurityAlarms: {
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: [{ prefix: config.alarmNamePrefix }], state: { value: ['ALARM'] } },
    },
    ManualReports: {
      source: [config.manualAlarmSource],
      'detail-type': [MANUAL_DETAIL_TYPE],
    },
  };
}
