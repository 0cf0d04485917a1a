import type { EventBridgeEvent } from '@aws-lambda-powertools/parser/types';
import { z } from 'zod';
import { MalformedAlarmError, UnknownAlarmError } from '../shared/errors.js';
import { incidentDraftSchema, type IncidentDraft } from './incident.js';

export interface AlarmSettings {
  /** EventBridge `source` of manual reports. */
  manualSource: string;
  /** Severity (0..10) given to CloudWatch alarms, which carry none of their own. */
  cloudWatchAlarmSeverity: number;
}

export const MANUAL_DETAIL_TYPE = 'Security Incident Reported';

const isoTime = z.iso.datetime({ offset: true });

const guardDutyDetail = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  severity: z.number().min(0).max(10),
  title: z.string().min(1),
  description: z.string().default(''),
  accountId: z.string().min(1),
  region: z.string().min(1),
  createdAt: isoTime.optional(),
  resource: z.looseObject({
    resourceType: z.string(),
    instanceDetails: z.looseObject({ instanceId: z.string() }).optional(),
    s3BucketDetails: z.array(z.looseObject({ arn: z.string().optional(), name: z.string().optional() })).optional(),
    accessKeyDetails: z.looseObject({ userName: z.string().optional(), accessKeyId: z.string().optional() }).optional(),
    rdsDbInstanceDetails: z.looseObject({ dbInstanceArn: z.string().optional(), dbInstanceIdentifier: z.string().optional() }).optional(),
    lambdaDetails: z.looseObject({ functionArn: z.string().optional(), functionName: z.string().optional() }).optional(),
    eksClusterDetails: z.looseObject({ arn: z.string().optional(), name: z.string().optional() }).optional(),
  }),
});

const securityHubFinding = z.object({
  Id: z.string().min(1),
  AwsAccountId: z.string().min(1),
  Title: z.string().min(1),
  Description: z.string().default(''),
  CreatedAt: isoTime,
  FirstObservedAt: isoTime.optional(),
  Region: z.string().optional(),
  RecordState: z.string().optional(),
  Severity: z.object({
    Label: z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
    Normalized: z.number().min(0).max(100).optional(),
  }),
  Resources: z.array(z.looseObject({ Type: z.string(), Id: z.string().min(1) })).min(1),
});
const securityHubDetail = z.object({ findings: z.array(securityHubFinding).min(1) });

const macieDetail = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  title: z.string().min(1),
  description: z.string().default(''),
  accountId: z.string().min(1),
  region: z.string().min(1),
  createdAt: isoTime,
  severity: z.object({ description: z.enum(['Low', 'Medium', 'High']), score: z.number().optional() }),
  resourcesAffected: z.looseObject({
    s3Bucket: z.looseObject({ arn: z.string().optional(), name: z.string().min(1) }).optional(),
    s3Object: z.looseObject({ key: z.string().optional(), path: z.string().optional() }).optional(),
  }),
});

const cloudWatchDetail = z.object({
  alarmName: z.string().min(1),
  state: z.object({ value: z.literal('ALARM'), reason: z.string().default(''), timestamp: isoTime }),
  configuration: z
    .looseObject({
      description: z.string().optional(),
      metrics: z
        .array(
          z.looseObject({
            metricStat: z
              .looseObject({ metric: z.looseObject({ dimensions: z.record(z.string(), z.string()).optional() }) })
              .optional(),
          }),
        )
        .optional(),
    })
    .default({}),
});

const manualDetail = z.object({
  reportId: z.string().min(1).max(128),
  title: z.string().min(1).max(512),
  description: z.string().max(4096).default(''),
  severity: z.union([z.number().min(0).max(10), z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])]),
  resources: z.array(z.string().min(1)).default([]),
  occurredAt: isoTime.optional(),
});

const labelSeverity = { INFORMATIONAL: 0, LOW: 2, MEDIUM: 5, HIGH: 8, CRITICAL: 9.5 } as const;
const macieSeverity = { Low: 2, Medium: 5, High: 8 } as const;

function detailOf<S extends z.ZodType>(schema: S, event: EventBridgeEvent, kind: string): z.infer<S> {
  const parsed = schema.safeParse(event.detail);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `detail.${i.path.join('.')}: ${i.message}`);
    throw new MalformedAlarmError(`Malformed ${kind} event ${event.id}: ${issues.join('; ')}`, issues);
  }
  return parsed.data;
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))];
}

function fromGuardDuty(event: EventBridgeEvent): IncidentDraft[] {
  const d = detailOf(guardDutyDetail, event, 'GuardDuty');
  const r = d.resource;
  return [
    {
      source: 'guardduty',
      findingKey: `guardduty:${d.accountId}:${d.id}`,
      alarmSeverity: d.severity,
      title: d.title,
      description: d.description,
      affectedResources: unique([
        r.instanceDetails?.instanceId,
        ...(r.s3BucketDetails ?? []).flatMap((b) => [b.arn, b.name]),
        r.accessKeyDetails?.userName,
        r.rdsDbInstanceDetails?.dbInstanceArn,
        r.rdsDbInstanceDetails?.dbInstanceIdentifier,
        r.lambdaDetails?.functionArn,
        r.eksClusterDetails?.arn,
        r.eksClusterDetails?.name,
      ]),
      firstSeenAt: d.createdAt ?? event.time,
      accountId: d.accountId,
      region: d.region,
    },
  ];
}

function fromSecurityHub(event: EventBridgeEvent): IncidentDraft[] {
  const d = detailOf(securityHubDetail, event, 'Security Hub');
  return d.findings.map((f) => ({
    source: 'securityhub' as const,
    findingKey: `securityhub:${f.Id}`,
    alarmSeverity: f.Severity.Normalized !== undefined ? f.Severity.Normalized / 10 : labelSeverity[f.Severity.Label],
    title: f.Title,
    description: f.Description,
    affectedResources: unique(f.Resources.map((res) => res.Id)),
    firstSeenAt: f.FirstObservedAt ?? f.CreatedAt,
    accountId: f.AwsAccountId,
    region: f.Region ?? event.region,
  }));
}

function fromMacie(event: EventBridgeEvent): IncidentDraft[] {
  const d = detailOf(macieDetail, event, 'Macie');
  const bucket = d.resourcesAffected.s3Bucket;
  const object = d.resourcesAffected.s3Object;
  return [
    {
      source: 'macie',
      findingKey: `macie:${d.accountId}:${d.id}`,
      alarmSeverity: macieSeverity[d.severity.description],
      title: d.title,
      description: d.description,
      affectedResources: unique([
        bucket?.arn,
        bucket?.name,
        object?.path ?? (bucket && object?.key ? `${bucket.name}/${object.key}` : undefined),
      ]),
      firstSeenAt: d.createdAt,
      accountId: d.accountId,
      region: d.region,
    },
  ];
}

function fromCloudWatch(event: EventBridgeEvent, settings: AlarmSettings): IncidentDraft[] {
  const d = detailOf(cloudWatchDetail, event, 'CloudWatch alarm');
  const alarmArn = event.resources[0];
  const dimensionValues = (d.configuration.metrics ?? []).flatMap((m) => Object.values(m.metricStat?.metric.dimensions ?? {}));
  return [
    {
      source: 'cloudwatch',
      findingKey: `cloudwatch:${alarmArn ?? `${event.account}:${event.region}:${d.alarmName}`}`,
      alarmSeverity: settings.cloudWatchAlarmSeverity,
      title: `CloudWatch alarm ${d.alarmName} is in ALARM`,
      description: [d.configuration.description, d.state.reason].filter(Boolean).join(' '),
      affectedResources: unique([alarmArn, ...dimensionValues]),
      firstSeenAt: d.state.timestamp,
      accountId: event.account,
      region: event.region,
    },
  ];
}

function fromManualReport(event: EventBridgeEvent): IncidentDraft[] {
  const d = detailOf(manualDetail, event, 'manual report');
  return [
    {
      source: 'manual',
      findingKey: `manual:${d.reportId}`,
      alarmSeverity: typeof d.severity === 'number' ? d.severity : labelSeverity[d.severity],
      title: d.title,
      description: d.description,
      affectedResources: unique(d.resources),
      firstSeenAt: d.occurredAt ?? event.time,
      accountId: event.account,
      region: event.region,
    },
  ];
}

/**
 * Turns one EventBridge alarm into incident drafts (Security Hub batches several findings per event).
 * Throws MalformedAlarmError for a known kind with a bad detail, UnknownAlarmError for anything else.
 */
export function parseAlarm(event: EventBridgeEvent, settings: AlarmSettings): IncidentDraft[] {
  const kind = `${event.source}/${event['detail-type']}`;
  let drafts: IncidentDraft[];
  if (event.source === 'aws.guardduty' && event['detail-type'] === 'GuardDuty Finding') drafts = fromGuardDuty(event);
  else if (event.source === 'aws.securityhub' && event['detail-type'] === 'Security Hub Findings - Imported') drafts = fromSecurityHub(event);
  else if (event.source === 'aws.macie' && event['detail-type'] === 'Macie Finding') drafts = fromMacie(event);
  else if (event.source === 'aws.cloudwatch' && event['detail-type'] === 'CloudWatch Alarm State Change') drafts = fromCloudWatch(event, settings);
  else if (event.source === settings.manualSource && event['detail-type'] === MANUAL_DETAIL_TYPE) drafts = fromManualReport(event);
  else throw new UnknownAlarmError(`No parser for alarm kind ${kind} (event ${event.id})`);
  // The normalised shape has limits of its own (title length, resource count): enforce them here too.
  return drafts.map((draft) => {
    const checked = incidentDraftSchema.safeParse(draft);
    if (!checked.success) {
      const issues = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new MalformedAlarmError(`Alarm ${event.id} does not fit an incident: ${issues.join('; ')}`, issues);
    }
    return checked.data;
  });
}
