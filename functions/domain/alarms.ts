import type { EventBridgeEvent } from '@aws-lambda-powertools/parser/types';
import * as z from 'zod';
import { MalformedAlarmError, UnknownAlarmError } from '../shared/errors.js';
import { incidentDraftSchema, type IncidentDraft } from './incident.js';

export interface AlarmSettings {
  /** EventBridge `source` of manual reports. */
  manualSource: string;
  /** Severity (0..10) given to CloudWatch alarms, which carry none of their own. */
  cloudWatchAlarmSeverity: number;
  /** Every incident is a drill (deploy setting `drillMode`). @default false */
  drillMode?: boolean;
}

export const MANUAL_DETAIL_TYPE = 'Security Incident Reported';

/**
 * The timestamp forms AWS emits: `Z` or an offset with or without a colon (CloudWatch writes
 * `2019-10-02T17:04:40.989+0000`), with or without seconds' fractions (ASFF allows nanoseconds).
 * Returns ISO 8601 in UTC with milliseconds, or undefined when the text is not such a time.
 */
export function toUtcIso(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)$/i.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, fraction = '', zone] = m;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)] as const;
  const local = new Date(Date.UTC(...fields, Number(fraction.padEnd(3, '0').slice(0, 3))));
  // Date.UTC rolls 2026-02-30 over to March: a field that changed was out of range.
  const back = [local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()];
  if (back.some((v, i) => v !== fields[i])) return undefined;
  const digits = zone!.toUpperCase() === 'Z' ? '0000' : zone!.slice(1).replace(':', '').padEnd(4, '0');
  const [hours, minutes] = [Number(digits.slice(0, 2)), Number(digits.slice(2))];
  if (hours > 23 || minutes > 59) return undefined;
  const offset = (zone!.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  return new Date(local.getTime() - offset * 60_000).toISOString();
}

const awsTime = z.string().transform((value, ctx) => {
  const iso = toUtcIso(value);
  if (iso === undefined) ctx.addIssue({ code: 'custom', message: `not an ISO 8601 time with a UTC offset: ${value}` });
  return iso ?? z.NEVER;
});

const arnOrName = z.looseObject({ arn: z.string().optional(), name: z.string().optional() });

const guardDutyDetail = z.object({
  id: z.string().min(1),
  arn: z.string().optional(),
  type: z.string().min(1),
  severity: z.number().min(0).max(10),
  title: z.string().min(1),
  description: z.string().default(''),
  accountId: z.string().min(1),
  region: z.string().min(1),
  partition: z.string().min(1).default('aws'),
  createdAt: awsTime.optional(),
  resource: z.looseObject({
    resourceType: z.string(),
    instanceDetails: z.looseObject({ instanceId: z.string().optional() }).optional(),
    s3BucketDetails: z.array(arnOrName).optional(),
    accessKeyDetails: z.looseObject({ userName: z.string().optional(), userType: z.string().optional(), accessKeyId: z.string().optional() }).optional(),
    rdsDbInstanceDetails: z
      .looseObject({ dbInstanceArn: z.string().optional(), dbInstanceIdentifier: z.string().optional(), dbClusterIdentifier: z.string().optional() })
      .optional(),
    lambdaDetails: z.looseObject({ functionArn: z.string().optional(), functionName: z.string().optional() }).optional(),
    eksClusterDetails: arnOrName.optional(),
    ecsClusterDetails: arnOrName.optional(),
  }),
});

const severityLabels = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

const securityHubFinding = z.object({
  Id: z.string().min(1),
  ProductArn: z.string().min(1),
  AwsAccountId: z.string().min(1),
  Title: z.string().min(1),
  Description: z.string().default(''),
  CreatedAt: awsTime,
  FirstObservedAt: awsTime.optional(),
  Region: z.string().optional(),
  // ASFF requires Label or Normalized; Original and the deprecated Product are the product's own scale.
  Severity: z
    .looseObject({ Label: z.enum(severityLabels).optional(), Normalized: z.number().min(0).max(100).optional() })
    .refine((s) => s.Label !== undefined || s.Normalized !== undefined, 'Severity needs Label or Normalized'),
  Resources: z
    .array(z.looseObject({ Type: z.string(), Id: z.string().min(1), Partition: z.string().optional(), Details: z.looseObject({}).optional() }))
    .min(1),
});
const securityHubDetail = z.object({ findings: z.array(securityHubFinding).min(1) });

const iamAccessKeyDetails = z.looseObject({
  AccessKeyId: z.string().optional(),
  PrincipalName: z.string().optional(),
  PrincipalType: z.string().optional(),
  UserName: z.string().optional(),
});

const macieDetail = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  title: z.string().min(1),
  description: z.string().default(''),
  accountId: z.string().min(1),
  region: z.string().min(1),
  createdAt: awsTime,
  severity: z.looseObject({ description: z.enum(['Low', 'Medium', 'High']) }),
  resourcesAffected: z.looseObject({
    s3Bucket: z.looseObject({ arn: z.string().optional(), name: z.string().min(1) }),
  }),
});

const cloudWatchDetail = z.object({
  alarmName: z.string().min(1),
  state: z.object({ value: z.literal('ALARM'), reason: z.string().default(''), timestamp: awsTime }),
  configuration: z
    .looseObject({
      description: z.string().optional(),
      // Composite alarms carry a rule over other alarms instead of metrics.
      alarmRule: z.string().optional(),
      metrics: z
        .array(
          z.looseObject({
            metricStat: z.looseObject({ metric: z.looseObject({ dimensions: z.record(z.string(), z.string()).optional() }) }).optional(),
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
  occurredAt: awsTime.optional(),
  /** A drill report (`npm run drill`): marked everywhere, customer notices redirected. */
  drill: z.boolean().optional(),
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

/** The envelope's time, for sources whose detail has none. */
function eventTime(event: EventBridgeEvent): string {
  const iso = toUtcIso(event.time);
  if (iso === undefined) throw new MalformedAlarmError(`Event ${event.id} has a bad time: ${event.time}`, ['time']);
  return iso;
}

/*
 * One identity per underlying finding, whichever service reports it: where Security Hub imports
 * GuardDuty's and Macie's findings, each reaches EventBridge natively and again as Security Hub's
 * "Findings - Imported" copy (and again with every update of that copy). All must take one lock.
 */

/**
 * `arn:<partition>:guardduty:<region>:<account>:detector/<detector id>/finding/<finding id>`: the native
 * finding's `arn` (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html) and the
 * `Id` of its Security Hub copy, whose ProductArn is `arn:<partition>:securityhub:<region>::product/aws/guardduty`
 * (https://docs.aws.amazon.com/guardduty/latest/ug/securityhub-integration.html, "Typical finding from GuardDuty").
 */
const guardDutyFindingArn = /^arn:[^:]+:guardduty:([^:]+):(\d{12}):detector\/[^/]+\/finding\/([^/]+)$/;

/** A detector is one per account and Region, so these three name a finding as its ARN does. */
function guardDutyFindingKey(accountId: string, region: string, findingId: string): string {
  return `guardduty:${accountId}:${region}:${findingId}`;
}

/** The key of the GuardDuty finding this ARN names; undefined for any other text. */
function guardDutyKeyOfArn(arn: string | undefined): string | undefined {
  const m = arn === undefined ? null : guardDutyFindingArn.exec(arn);
  return m ? guardDutyFindingKey(m[2]!, m[1]!, m[3]!) : undefined;
}

/** A Macie finding has no ARN, only a random id (https://docs.aws.amazon.com/macie/latest/APIReference/findings-describe.html). */
function macieFindingKey(accountId: string, region: string, findingId: string): string {
  return `macie:${accountId}:${region}:${findingId}`;
}

const awsProductArn = /^arn:[^:]+:securityhub:[^:]*::product\/aws\/([^/]+)$/;

/**
 * Security Hub identifies a finding by ProductArn and Id, and an update resubmits the same Id
 * (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFindingIdentifier.html,
 * https://docs.aws.amazon.com/securityhub/latest/partnerguide/guidelines-asff-mapping.html), so every
 * update keys the same. GuardDuty's copy (Id: the finding ARN) and Macie's (ProductArn `product/aws/macie`,
 * https://docs.aws.amazon.com/macie/latest/user/securityhub-integration.html; Id: a Macie finding id)
 * take the native finding's key; an Id of any other form keeps Security Hub's own.
 */
function securityHubFindingKey(finding: z.infer<typeof securityHubFinding>, eventRegion: string): string {
  const product = awsProductArn.exec(finding.ProductArn)?.[1];
  const guardDuty = product === 'guardduty' ? guardDutyKeyOfArn(finding.Id) : undefined;
  if (guardDuty) return guardDuty;
  if (product === 'macie' && /^[\w-]+$/.test(finding.Id)) return macieFindingKey(finding.AwsAccountId, finding.Region ?? eventRegion, finding.Id);
  return `securityhub:${finding.ProductArn}/${finding.Id}`;
}

// Where AWS gives a resource's ARN we pass the ARN, not also its bare name: a bare name matches
// ARNs of every kind, which would let an S3 finding reach customers of a same-named table.
function fromGuardDuty(event: EventBridgeEvent): IncidentDraft[] {
  const d = detailOf(guardDutyDetail, event, 'GuardDuty');
  const r = d.resource;
  const key = r.accessKeyDetails;
  const rds = r.rdsDbInstanceDetails;
  return [
    {
      source: 'guardduty',
      findingKey: guardDutyKeyOfArn(d.arn) ?? guardDutyFindingKey(d.accountId, d.region, d.id),
      alarmSeverity: d.severity,
      title: d.title,
      description: d.description,
      affectedResources: unique([
        r.instanceDetails?.instanceId,
        ...(r.s3BucketDetails ?? []).map((b) => b.arn ?? b.name),
        key?.accessKeyId,
        // GuardDuty names the user without its ARN; an IAM user's name is unique in its account.
        key?.userName && key.userType === 'IAMUser' ? `arn:${d.partition}:iam::${d.accountId}:user/${key.userName}` : key?.userName,
        rds?.dbInstanceArn ?? rds?.dbInstanceIdentifier,
        rds?.dbClusterIdentifier && `arn:${d.partition}:rds:${d.region}:${d.accountId}:cluster:${rds.dbClusterIdentifier}`,
        r.lambdaDetails?.functionArn ?? r.lambdaDetails?.functionName,
        r.eksClusterDetails?.arn ?? r.eksClusterDetails?.name,
        r.ecsClusterDetails?.arn ?? r.ecsClusterDetails?.name,
      ]),
      firstSeenAt: d.createdAt ?? eventTime(event),
      accountId: d.accountId,
      region: d.region,
    },
  ];
}

/** ASFF resource ids are ARNs for AWS resources; an access key is `AWS::IAM::AccessKey:<id>`, its owner only in Details. */
function securityHubResources(finding: z.infer<typeof securityHubFinding>): (string | undefined)[] {
  return finding.Resources.flatMap((res) => {
    if (res.Type !== 'AwsIamAccessKey') return [res.Id];
    const details = iamAccessKeyDetails.safeParse(res.Details?.AwsIamAccessKey ?? {});
    const k = details.success ? details.data : {};
    const user = k.PrincipalName ?? k.UserName;
    return [
      k.AccessKeyId ?? /^AWS::IAM::AccessKey:(.+)$/.exec(res.Id)?.[1] ?? res.Id,
      user && k.PrincipalType === 'IAMUser' ? `arn:${res.Partition ?? 'aws'}:iam::${finding.AwsAccountId}:user/${user}` : user,
    ];
  });
}

function fromSecurityHub(event: EventBridgeEvent): IncidentDraft[] {
  const d = detailOf(securityHubDetail, event, 'Security Hub');
  return d.findings.map((f) => ({
    source: 'securityhub' as const,
    findingKey: securityHubFindingKey(f, event.region),
    alarmSeverity: f.Severity.Normalized !== undefined ? f.Severity.Normalized / 10 : labelSeverity[f.Severity.Label!],
    title: f.Title,
    description: f.Description,
    affectedResources: unique(securityHubResources(f)),
    firstSeenAt: f.FirstObservedAt ?? f.CreatedAt,
    accountId: f.AwsAccountId,
    region: f.Region ?? event.region,
  }));
}

function fromMacie(event: EventBridgeEvent): IncidentDraft[] {
  const d = detailOf(macieDetail, event, 'Macie');
  const bucket = d.resourcesAffected.s3Bucket;
  return [
    {
      source: 'macie',
      findingKey: macieFindingKey(d.accountId, d.region, d.id),
      alarmSeverity: macieSeverity[d.severity.description],
      title: d.title,
      description: d.description,
      // An object's key adds nothing to matching: objects match as their bucket.
      affectedResources: [bucket.arn ?? bucket.name],
      firstSeenAt: d.createdAt,
      accountId: d.accountId,
      region: d.region,
    },
  ];
}

/**
 * Alarms a composite alarm's rule names, e.g. `ALARM("cpu-high") OR ALARM(arn:aws:cloudwatch:...:alarm:disk)`,
 * as ARNs: a rule can only name alarms of its own account and region, so a bare child name is
 * qualified like the composite's ARN and cannot match a same-named resource of another kind.
 */
function alarmsInRule(rule: string, compositeArn: string | undefined): string[] {
  const prefix = compositeArn?.match(/^(arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:)/)?.[1];
  return [...rule.matchAll(/\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^"()]+?)"?\s*\)/g)].map((m) =>
    m[1]!.startsWith('arn:') || !prefix ? m[1]! : `${prefix}${m[1]!}`,
  );
}

function fromCloudWatch(event: EventBridgeEvent, settings: AlarmSettings): IncidentDraft[] {
  const d = detailOf(cloudWatchDetail, event, 'CloudWatch alarm');
  const alarmArn = event.resources[0];
  // Metric-math alarms list expressions next to the metrics they read: only the metrics name resources.
  const dimensionValues = (d.configuration.metrics ?? []).flatMap((m) => Object.values(m.metricStat?.metric.dimensions ?? {}));
  return [
    {
      source: 'cloudwatch',
      findingKey: `cloudwatch:${alarmArn ?? `${event.account}:${event.region}:${d.alarmName}`}`,
      alarmSeverity: settings.cloudWatchAlarmSeverity,
      title: `CloudWatch alarm ${d.alarmName} is in ALARM`,
      description: [d.configuration.description, d.state.reason].filter(Boolean).join(' '),
      affectedResources: unique([alarmArn ?? d.alarmName, ...dimensionValues, ...alarmsInRule(d.configuration.alarmRule ?? '', alarmArn)]),
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
      firstSeenAt: d.occurredAt ?? eventTime(event),
      accountId: event.account,
      region: event.region,
      ...(d.drill ? { drill: true } : {}),
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
    const checked = incidentDraftSchema.safeParse(settings.drillMode ? { ...draft, drill: true } : draft);
    if (!checked.success) {
      const issues = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new MalformedAlarmError(`Alarm ${event.id} does not fit an incident: ${issues.join('; ')}`, issues);
    }
    return checked.data;
  });
}
