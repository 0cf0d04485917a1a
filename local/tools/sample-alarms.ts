import { randomUUID } from 'node:crypto';

/** EventBridge envelopes as each AWS service emits them (trimmed to the fields the parsers read, plus some noise). */
function envelope(source: string, detailType: string, detail: unknown, resources: string[] = []) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: '123456789012',
    time: '2026-11-20T08:15:00Z',
    region: 'eu-west-1',
    resources,
    detail,
  };
}

export function guardDutyFinding(opts: { id?: string; severity?: number; bucket?: string; instanceId?: string } = {}) {
  return envelope('aws.guardduty', 'GuardDuty Finding', {
    schemaVersion: '2.0',
    accountId: '123456789012',
    region: 'eu-west-1',
    id: opts.id ?? randomUUID().replaceAll('-', ''),
    type: 'Exfiltration:S3/AnomalousBehavior',
    severity: opts.severity ?? 8,
    title: 'Anomalous S3 object reads from an unusual network',
    description: 'Objects in a customer-data bucket were read in bulk from an unusual location.',
    createdAt: '2026-11-20T08:10:00.000Z',
    updatedAt: '2026-11-20T08:12:00.000Z',
    resource: {
      resourceType: 'S3Bucket',
      s3BucketDetails: [{ arn: `arn:aws:s3:::${opts.bucket ?? 'customer-data'}`, name: opts.bucket ?? 'customer-data', type: 'Destination' }],
      ...(opts.instanceId ? { instanceDetails: { instanceId: opts.instanceId } } : {}),
    },
    service: { serviceName: 'guardduty', count: 1 },
  });
}

export function securityHubFindings(resourceIds: string[], label: 'HIGH' | 'CRITICAL' = 'CRITICAL') {
  return envelope(
    'aws.securityhub',
    'Security Hub Findings - Imported',
    {
      findings: resourceIds.map((id, n) => ({
        SchemaVersion: '2018-10-08',
        Id: `arn:aws:securityhub:eu-west-1:123456789012:finding/${randomUUID()}-${n}`,
        ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/securityhub',
        GeneratorId: 'aws-foundational-security-best-practices/v/1.0.0/RDS.2',
        AwsAccountId: '123456789012',
        Types: ['Software and Configuration Checks'],
        CreatedAt: '2026-11-20T08:00:00.000Z',
        UpdatedAt: '2026-11-20T08:05:00.000Z',
        Severity: { Label: label, Normalized: label === 'CRITICAL' ? 90 : 70 },
        Title: 'RDS DB instance is publicly accessible',
        Description: 'The database holding customer records accepts connections from the internet.',
        Resources: [{ Type: 'AwsRdsDbInstance', Id: id }],
        RecordState: 'ACTIVE',
        Workflow: { Status: 'NEW' },
      })),
    },
    resourceIds,
  );
}

export function macieFinding(bucket = 'customer-exports') {
  return envelope('aws.macie', 'Macie Finding', {
    schemaVersion: '1.0',
    id: randomUUID(),
    accountId: '123456789012',
    region: 'eu-west-1',
    type: 'SensitiveData:S3Object/Personal',
    title: 'The S3 object contains personal information.',
    description: 'The object contains names and addresses and is publicly readable.',
    severity: { score: 3, description: 'High' },
    createdAt: '2026-11-20T07:55:00.000Z',
    resourcesAffected: {
      s3Bucket: { arn: `arn:aws:s3:::${bucket}`, name: bucket },
      s3Object: { key: 'exports/customers.csv', path: `${bucket}/exports/customers.csv` },
    },
  });
}

export function cloudWatchAlarm(alarmName = 'security-login-failures', dimension = 'auth-service') {
  const arn = `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`;
  return envelope(
    'aws.cloudwatch',
    'CloudWatch Alarm State Change',
    {
      alarmName,
      state: {
        value: 'ALARM',
        reason: 'Threshold Crossed: 1 datapoint [950.0] was greater than the threshold (500.0).',
        timestamp: '2026-11-20T08:14:00.000+0000',
      },
      previousState: { value: 'OK', reason: '', timestamp: '2026-11-20T07:00:00.000+0000' },
      configuration: {
        description: 'Failed logins far above normal',
        metrics: [
          { id: 'm1', metricStat: { metric: { namespace: 'Auth', name: 'FailedLogins', dimensions: { Service: dimension } }, period: 60, stat: 'Sum' } },
        ],
      },
    },
    [arn],
  );
}

export function manualReport(resources: string[], reportId: string = randomUUID()) {
  return envelope('breach-notice.manual', 'Security Incident Reported', {
    reportId,
    title: 'Laptop with customer export stolen',
    description: 'A staff laptop holding an unencrypted customer export was stolen.',
    severity: 'HIGH',
    resources,
    occurredAt: '2026-11-19T18:00:00Z',
  });
}
