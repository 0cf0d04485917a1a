import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAlarm, toUtcIso } from '../../functions/domain/alarms.js';
import { incidentIdFor, severityFor } from '../../functions/domain/incident.js';
import { sha256Hex } from '../../functions/shared/crypto.js';
import { MalformedAlarmError, UnknownAlarmError } from '../../functions/shared/errors.js';
import { cloudWatchAlarm, guardDutyFinding, macieFinding, manualReport, securityHubFindings } from '../../local/tools/sample-alarms.js';

const settings = { manualSource: 'breach-notice.manual', cloudWatchAlarmSeverity: 7 };
type Mutable = Record<string, unknown> & { detail: Record<string, unknown> };

describe('parseAlarm', () => {
  it('GuardDuty: identity from account, Region and finding id, resources from the finding, severity as reported', () => {
    const event = guardDutyFinding({ id: 'abc123', severity: 8.5, bucket: 'cust', instanceId: 'i-0123' });
    const [draft] = parseAlarm(event as never, settings);
    expect(draft).toMatchObject({
      source: 'guardduty',
      findingKey: 'guardduty:123456789012:eu-west-1:abc123',
      alarmSeverity: 8.5,
      affectedResources: ['i-0123', 'arn:aws:s3:::cust'],
      firstSeenAt: '2026-11-20T08:10:00.000Z',
      accountId: '123456789012',
      region: 'eu-west-1',
    });
  });

  it('Security Hub: one draft per finding in the batch, normalised severity, resources by id', () => {
    const drafts = parseAlarm(securityHubFindings(['arn:aws:rds:eu-west-1:123456789012:db:customers', 'arn:aws:s3:::x']) as never, settings);
    expect(drafts).toHaveLength(2);
    expect(drafts[0]).toMatchObject({ source: 'securityhub', alarmSeverity: 9, affectedResources: ['arn:aws:rds:eu-west-1:123456789012:db:customers'] });
    expect(drafts[0]!.findingKey).toMatch(/^securityhub:arn:aws:securityhub:/);
    expect(drafts[0]!.findingKey).not.toBe(drafts[1]!.findingKey);
  });

  it('Security Hub without Normalized falls back to the label', () => {
    const event = securityHubFindings(['r1'], 'HIGH') as Mutable;
    delete ((event.detail.findings as Record<string, { Normalized?: number }>[])[0]!.Severity as { Normalized?: number }).Normalized;
    expect(parseAlarm(event as never, settings)[0]!.alarmSeverity).toBe(8);
  });

  it('Macie: the bucket ARN (objects match as their bucket); severity from its description', () => {
    const [draft] = parseAlarm(macieFinding('exports') as never, settings);
    expect(draft).toMatchObject({ source: 'macie', alarmSeverity: 8, affectedResources: ['arn:aws:s3:::exports'] });
  });

  it('CloudWatch alarm: identity is the alarm ARN, resources include metric dimensions, severity from settings, +0000 time in UTC', () => {
    const [draft] = parseAlarm(cloudWatchAlarm('security-x', 'auth') as never, settings);
    expect(draft).toMatchObject({
      source: 'cloudwatch',
      findingKey: 'cloudwatch:arn:aws:cloudwatch:eu-west-1:123456789012:alarm:security-x',
      alarmSeverity: 7,
      affectedResources: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:security-x', 'auth'],
      firstSeenAt: '2026-11-20T08:14:00.000Z',
    });
  });

  it('manual report: label severities, the report id as identity, the reporter-given resources', () => {
    const [draft] = parseAlarm(manualReport(['laptop-42'], 'r-1') as never, settings);
    expect(draft).toMatchObject({
      source: 'manual',
      findingKey: 'manual:r-1',
      alarmSeverity: 8,
      affectedResources: ['laptop-42'],
      firstSeenAt: '2026-11-19T18:00:00.000Z',
    });
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      'GuardDuty severity as text',
      () => {
        const e = guardDutyFinding() as Mutable;
        e.detail.severity = 'high';
        return e;
      },
      /detail\.severity/,
    ],
    [
      'GuardDuty without resource',
      () => {
        const e = guardDutyFinding() as Mutable;
        delete e.detail.resource;
        return e;
      },
      /detail\.resource/,
    ],
    [
      'Security Hub with no findings',
      () => {
        const e = securityHubFindings([]) as Mutable;
        return e;
      },
      /detail\.findings/,
    ],
    [
      'Security Hub finding without resources',
      () => {
        const e = securityHubFindings(['r']) as Mutable;
        (e.detail.findings as Record<string, unknown>[])[0]!.Resources = [];
        return e;
      },
      /Resources/,
    ],
    [
      'Macie with an unknown severity',
      () => {
        const e = macieFinding() as Mutable;
        e.detail.severity = { description: 'Severe' };
        return e;
      },
      /detail\.severity\.description/,
    ],
    [
      'CloudWatch alarm going back to OK',
      () => {
        const e = cloudWatchAlarm() as Mutable;
        (e.detail.state as { value: string }).value = 'OK';
        return e;
      },
      /detail\.state\.value/,
    ],
    [
      'manual report without a title',
      () => {
        const e = manualReport(['r']) as Mutable;
        delete e.detail.title;
        return e;
      },
      /detail\.title/,
    ],
    [
      'manual report with severity 11',
      () => {
        const e = manualReport(['r']) as Mutable;
        e.detail.severity = 11;
        return e;
      },
      /detail\.severity/,
    ],
    ['manual report naming 501 resources', () => manualReport(Array.from({ length: 501 }, (_, i) => `r${i}`)), /affectedResources/],
  ])('%s is a MalformedAlarmError that names the field', (_label, make, field) => {
    let caught: unknown;
    try {
      parseAlarm(make() as never, settings);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MalformedAlarmError);
    expect((caught as Error).name).toBe('MalformedAlarmError');
    expect((caught as Error).message).toMatch(field);
  });

  it('an unknown source or detail-type is an UnknownAlarmError', () => {
    expect(() => parseAlarm({ ...guardDutyFinding(), 'detail-type': 'GuardDuty Runtime Event' } as never, settings)).toThrow(UnknownAlarmError);
    expect(() => parseAlarm({ ...manualReport([]), source: 'someone.else' } as never, settings)).toThrow(/No parser for alarm kind someone\.else/);
  });
});

describe('incident ids and severity', () => {
  it('ids are valid execution names, stable for the same finding and event, distinct otherwise', () => {
    const a = incidentIdFor('guardduty:1:x', 'e1', '2026-11-20T08:00:00Z', sha256Hex);
    expect(a).toMatch(/^inc-20261120-[0-9a-f]{12}$/);
    expect(incidentIdFor('guardduty:1:x', 'e1', '2026-11-20T08:00:00Z', sha256Hex)).toBe(a);
    expect(incidentIdFor('guardduty:1:x', 'e2', '2026-11-20T08:00:00Z', sha256Hex)).not.toBe(a);
  });

  it.each([
    [2, 0, false, 'LOW'],
    [5, 10, false, 'MEDIUM'],
    [7, 10, false, 'HIGH'],
    [9.5, 1, false, 'CRITICAL'],
    [2, 5, true, 'HIGH'],
    [2, 0, true, 'LOW'],
    [4, 10_000, false, 'CRITICAL'],
  ] as const)('alarm %d, %d customers, sensitive %s -> %s', (alarm, customers, sensitive, level) => {
    expect(severityFor(alarm, customers, sensitive)).toBe(level);
  });
});

describe('AWS timestamps', () => {
  it.each([
    ['2026-11-22T21:30:00.000+0000', '2026-11-22T21:30:00.000Z'],
    ['2026-11-22T21:30:00+0000', '2026-11-22T21:30:00.000Z'],
    ['2026-11-22T21:30:00Z', '2026-11-22T21:30:00.000Z'],
    ['2026-11-22T21:30:00.5Z', '2026-11-22T21:30:00.500Z'],
    ['2023-08-09T21:02:13.518235341Z', '2023-08-09T21:02:13.518Z'],
    ['2020-08-17T20:22:05.479+00:00', '2020-08-17T20:22:05.479Z'],
    ['2023-03-01T11:58:37.442-08:00', '2023-03-01T19:58:37.442Z'],
    ['2026-11-23T05:30:00+0530', '2026-11-23T00:00:00.000Z'],
    ['2026-11-23T01:00:00+01', '2026-11-23T00:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(toUtcIso(text)).toBe(iso);
  });

  it.each([
    'yesterday',
    '2026-11-22',
    '2026-11-22T21:30:00',
    '2026-02-30T10:00:00Z',
    '2026-11-22T24:00:00Z',
    '2026-11-22T21:30:00+2400',
    '2026-11-22T21:30:00+0060',
    '1513612691.551',
  ])('%s is refused', (text) => {
    expect(toUtcIso(text)).toBeUndefined();
  });
});

const fixtureDir = new URL('../fixtures/aws-events/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, fixtureDir), 'utf8')) as Mutable & { source: string; 'detail-type': string };

describe("AWS's documented sample events", () => {
  const expected: Record<string, { source: string; alarmSeverity: number; firstSeenAt: string; affectedResources: string[] }> = {
    'cloudwatch-single-metric.json': {
      source: 'cloudwatch',
      alarmSeverity: 7,
      firstSeenAt: '2019-10-02T17:04:40.989Z',
      affectedResources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh', 'i-12345678901234567'],
    },
    'cloudwatch-metric-math.json': {
      source: 'cloudwatch',
      alarmSeverity: 7,
      firstSeenAt: '2019-10-02T17:20:48.554Z',
      affectedResources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:TotalNetworkTrafficTooHigh', 'i-12345678901234567'],
    },
    'cloudwatch-anomaly-detection.json': {
      source: 'cloudwatch',
      alarmSeverity: 7,
      firstSeenAt: '2019-10-03T16:00:04.653Z',
      affectedResources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:EC2 CPU Utilization Anomaly', 'i-12345678901234567'],
    },
    'cloudwatch-composite.json': {
      source: 'cloudwatch',
      alarmSeverity: 7,
      firstSeenAt: '2022-07-22T15:57:45.394Z',
      affectedResources: [
        'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm',
        'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh',
        'arn:aws:cloudwatch:us-east-1:123456789012:alarm:TotalNetworkTrafficTooHigh',
      ],
    },
    'guardduty-s3-bucket.json': {
      source: 'guardduty',
      alarmSeverity: 5,
      firstSeenAt: '2022-01-13T00:00:47.437Z',
      affectedResources: ['i-99999999', 'arn:aws:s3:::bucketName', 'GeneratedFindingAccessKeyId', 'arn:aws:iam::123456789012:user/GeneratedFindingUserName'],
    },
    'guardduty-iam-access-key.json': {
      source: 'guardduty',
      alarmSeverity: 5,
      firstSeenAt: '2022-01-13T00:00:47.427Z',
      affectedResources: ['i-99999999', 'GeneratedFindingAccessKeyId', 'arn:aws:iam::123456789012:user/GeneratedFindingUserName'],
    },
    'guardduty-ec2-instance.json': {
      source: 'guardduty',
      alarmSeverity: 5,
      firstSeenAt: '2017-10-31T23:16:23.824Z',
      affectedResources: ['i-05746eb48123455e0'],
    },
    'guardduty-rds.json': {
      source: 'guardduty',
      alarmSeverity: 8,
      firstSeenAt: '2023-05-02T10:05:31.278Z',
      affectedResources: ['arn:aws:rds:us-east-1:123456789012:db:customers-db-1', 'arn:aws:rds:us-east-1:123456789012:cluster:customers-cluster'],
    },
    'guardduty-lambda.json': {
      source: 'guardduty',
      alarmSeverity: 8,
      firstSeenAt: '2023-06-12T08:12:44.000Z',
      affectedResources: ['arn:aws:lambda:us-east-1:123456789012:function:order-export:7'],
    },
    'guardduty-eks.json': {
      source: 'guardduty',
      alarmSeverity: 8,
      firstSeenAt: '2023-02-20T14:35:19.711Z',
      affectedResources: ['arn:aws:eks:us-east-1:123456789012:cluster/payments'],
    },
    'securityhub-control-dynamodb.json': {
      source: 'securityhub',
      alarmSeverity: 4,
      firstSeenAt: '2023-08-09T21:02:13.518Z',
      affectedResources: ['arn:aws:dynamodb:us-west-2:111122223333:table/orders'],
    },
    'securityhub-guardduty-access-key.json': {
      source: 'securityhub',
      alarmSeverity: 5,
      firstSeenAt: '2020-08-17T20:11:42.000Z',
      affectedResources: ['ASIASZ4SI7REXAMPLE01', 'arn:aws:iam::111122223333:user/alice'],
    },
    'securityhub-macie-s3.json': {
      source: 'securityhub',
      alarmSeverity: 7,
      firstSeenAt: '2021-05-11T09:14:16.371Z',
      affectedResources: ['arn:aws:s3:::customer-exports', 'arn:aws:s3:::customer-exports/exports/customers.csv'],
    },
    'securityhub-inspector-lambda.json': {
      source: 'securityhub',
      alarmSeverity: 8,
      firstSeenAt: '2023-03-01T19:58:37.442Z',
      affectedResources: ['arn:aws:lambda:us-west-2:111122223333:function:order-export:$LATEST'],
    },
    'securityhub-third-party-rds-cluster.json': {
      source: 'securityhub',
      alarmSeverity: 9,
      firstSeenAt: '2022-11-03T07:21:00.000Z',
      affectedResources: ['arn:aws:rds:us-west-2:111122223333:cluster:customers-cluster'],
    },
    'macie-policy-encryption-disabled.json': {
      source: 'macie',
      alarmSeverity: 2,
      firstSeenAt: '2021-04-29T15:46:02.000Z',
      affectedResources: ['arn:aws:s3:::customer-data'],
    },
    'macie-sensitive-data-object.json': {
      source: 'macie',
      alarmSeverity: 8,
      firstSeenAt: '2022-04-20T16:51:02.283Z',
      affectedResources: ['arn:aws:s3:::customer-exports'],
    },
    'macie-policy-bucket-public.json': {
      source: 'macie',
      alarmSeverity: 8,
      firstSeenAt: '2022-09-08T03:12:31.906Z',
      affectedResources: ['arn:aws:s3:::public-reports'],
    },
  };

  it('every fixture file has an expectation here, and every expectation a file', () => {
    expect(
      readdirSync(fixtureDir)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s parses into one incident draft with its time and resources', (name, want) => {
    const drafts = parseAlarm(fixture(name) as never, settings);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject(want);
  });

  it.each<[string, (e: Mutable) => void, RegExp]>([
    ['cloudwatch-single-metric.json', (e) => ((e.detail.state as { timestamp: string }).timestamp = '02/10/19 17:04:40'), /detail\.state\.timestamp/],
    ['cloudwatch-composite.json', (e) => delete e.detail.alarmName, /detail\.alarmName/],
    ['guardduty-rds.json', (e) => (e.detail.createdAt = '2023-05-02 10:05:31'), /detail\.createdAt/],
    ['guardduty-ec2-instance.json', (e) => (e.detail.severity = '5'), /detail\.severity/],
    ['securityhub-control-dynamodb.json', (e) => ((e.detail.findings as Record<string, unknown>[])[0]!.CreatedAt = '2023-08-09'), /CreatedAt/],
    [
      'securityhub-third-party-rds-cluster.json',
      (e) => ((e.detail.findings as Record<string, unknown>[])[0]!.Severity = { Product: 9.1 }),
      /Severity needs Label or Normalized/,
    ],
    ['securityhub-inspector-lambda.json', (e) => ((e.detail.findings as Record<string, unknown>[])[0]!.Severity = { Label: 'SEVERE' }), /Severity\.Label/],
    ['macie-sensitive-data-object.json', (e) => ((e.detail.severity as { description: string }).description = 'HIGH'), /detail\.severity\.description/],
    ['macie-policy-bucket-public.json', (e) => delete (e.detail.resourcesAffected as Record<string, unknown>).s3Bucket, /detail\.resourcesAffected\.s3Bucket/],
  ])('%s, broken, is refused as a MalformedAlarmError naming the field', (name, breakIt, field) => {
    const event = fixture(name);
    breakIt(event);
    let caught: unknown;
    try {
      parseAlarm(event as never, settings);
    } catch (error) {
      caught = error;
    }
    expect((caught as Error)?.name).toBe('MalformedAlarmError');
    expect((caught as Error).message).toMatch(field);
  });

  it('a documented detail-type this intake does not handle is an UnknownAlarmError', () => {
    const event = { ...fixture('guardduty-ec2-instance.json'), 'detail-type': 'GuardDuty Malware Protection Object Scan Result' };
    expect(() => parseAlarm(event as never, settings)).toThrow(UnknownAlarmError);
  });
});

describe('one identity per underlying finding, whichever service reports it', () => {
  const keyOf = (event: unknown) => {
    const drafts = parseAlarm(event as never, settings);
    expect(drafts).toHaveLength(1);
    return drafts[0]!.findingKey;
  };
  const asffOf = (event: Mutable) => (event.detail.findings as Record<string, unknown>[])[0]!;
  /** Security Hub's next import of the same finding: a new event, a later UpdatedAt and observation. */
  function securityHubUpdate(name: string, at: string): Mutable {
    const event = fixture(name);
    event.id = `update-${at}`;
    event.time = at;
    Object.assign(asffOf(event), { UpdatedAt: at, LastObservedAt: at });
    return event;
  }

  it("GuardDuty: the native finding and Security Hub's copy of it (Id = the finding ARN) share one key", () => {
    const native = keyOf(fixture('same-finding/guardduty-ssh-brute-force.json'));
    expect(native).toBe('guardduty:193043430472:us-east-1:46ba0ac2845071e23ccdeb2ae03bfdea');
    expect(keyOf(fixture('same-finding/securityhub-guardduty-ssh-brute-force.json'))).toBe(native);
  });

  it("Macie: the native finding and Security Hub's copy of it (Id = the Macie finding id) share one key", () => {
    const native = keyOf(fixture('macie-policy-encryption-disabled.json'));
    expect(native).toBe('macie:123456789012:us-east-1:64b917aa-3843-014c-91d8-937ffexample');
    expect(keyOf(fixture('same-finding/securityhub-macie-policy-encryption-disabled.json'))).toBe(native);
  });

  it("Security Hub's repeated updates of one finding keep its key, and it stays the native finding's", () => {
    const native = keyOf(fixture('same-finding/guardduty-ssh-brute-force.json'));
    const updates = ['2020-10-01T06:14:00.000Z', '2020-10-01T12:14:00.000Z'].map((at) =>
      securityHubUpdate('same-finding/securityhub-guardduty-ssh-brute-force.json', at),
    );
    expect(updates.map(keyOf)).toEqual([native, native]);
    const macieUpdate = securityHubUpdate('same-finding/securityhub-macie-policy-encryption-disabled.json', '2021-04-30T05:12:15.000Z');
    expect(keyOf(macieUpdate)).toBe(keyOf(fixture('macie-policy-encryption-disabled.json')));
    const other = securityHubUpdate('securityhub-control-dynamodb.json', '2023-08-10T09:00:00.000Z');
    expect(keyOf(other)).toBe(keyOf(fixture('securityhub-control-dynamodb.json')));
  });

  it('different findings keep different keys: another finding id, Region or account, or the same Id from another product', () => {
    const base = fixture('same-finding/securityhub-guardduty-ssh-brute-force.json');
    const arn = asffOf(base).Id as string;
    const variant = (id: string, productArn = asffOf(base).ProductArn as string) => {
      const event = fixture('same-finding/securityhub-guardduty-ssh-brute-force.json');
      Object.assign(asffOf(event), { Id: id, ProductArn: productArn });
      return keyOf(event);
    };
    const keys = [
      keyOf(base),
      variant(arn.replace(/finding\/\w+$/, 'finding/56ba0ac2845071e23ccdeb2ae03bfdea')),
      variant(arn.replaceAll('us-east-1', 'eu-west-1')),
      variant(arn.replace('193043430472', '210987654321')),
      // Only GuardDuty itself imports under its product ARN: the same text from a custom integration is another finding.
      variant(arn, 'arn:aws:securityhub:us-east-1:193043430472:product/193043430472/default'),
      variant(arn, 'arn:aws:securityhub:us-east-1::product/example-partner/threat-detector'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("a Macie copy whose Id is not a Macie finding id keeps Security Hub's own key", () => {
    const event = fixture('same-finding/securityhub-macie-policy-encryption-disabled.json');
    asffOf(event).Id = 'arn:aws:securityhub:us-east-1:123456789012:finding/64b917aa-3843-014c-91d8-937ffexample';
    expect(keyOf(event)).toBe(
      'securityhub:arn:aws:securityhub:us-east-1::product/aws/macie/arn:aws:securityhub:us-east-1:123456789012:finding/64b917aa-3843-014c-91d8-937ffexample',
    );
  });
});
