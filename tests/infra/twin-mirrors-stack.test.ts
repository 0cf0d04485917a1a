import { describe, expect, it } from 'vitest';
import { allEmailTemplates } from '../../functions/domain/email-templates.js';
import { alarmPatterns } from '../../infra/alarm-patterns.js';
import { appConfigSchema } from '../../infra/config.js';
import { WORKFLOW_STEPS } from '../../infra/workflow-definition.js';
import { specFromStack } from '../../local/from-stack.js';

describe('what the twin reads from the synthesized stack', () => {
  const config = appConfigSchema.parse({ senderAddress: 's@example.com', approverEmails: 'a@example.com', backupApproverEmails: 'b@example.com', guardDutySeverityThreshold: 5 });
  const spec = specFromStack(config);

  it('has every table with its keys, index and TTL', () => {
    expect(Object.keys(spec.tables).sort()).toEqual(['customers', 'deliveries', 'idempotency', 'incidents']);
    expect(spec.tables.customers!.GlobalSecondaryIndexes?.[0]).toMatchObject({ IndexName: 'byResource', Projection: { ProjectionType: 'INCLUDE' } });
    expect(spec.tables.incidents).toMatchObject({ BillingMode: 'PAY_PER_REQUEST', ttlAttribute: 'ttl' });
    expect(spec.tables.deliveries!.ttlAttribute).toBeUndefined();
  });

  it('has the deployed templates, rule patterns (with this deployment\'s thresholds) and substitution keys', () => {
    expect(spec.templates.map((t) => t.name).sort()).toEqual(allEmailTemplates(config.templatePrefix).map((t) => t.name).sort());
    expect(spec.rules).toEqual(alarmPatterns(config));
    expect((spec.rules.GuardDutyFindings!.detail as { severity: unknown }).severity).toEqual([{ numeric: ['>=', 5] }]);
    expect(spec.substitutionKeys).toEqual(Object.keys(WORKFLOW_STEPS).sort());
  });
});
