import { App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENVIRONMENT } from '../../functions/shared/environment.js';
import { functionEnvironment, parseAppConfig } from '../../infra/config.js';
import { BreachNoticeFunction } from '../../infra/constructs/breach-notice-function.js';
import { environmentKeys, environmentOf, FUNCTIONS, type FunctionName } from '../../infra/functions.js';
import { BreachNoticeStack } from '../../infra/stack.js';

const context = {
  'breach-notice:senderAddress': 'notices@example.com',
  'breach-notice:approverEmails': 'a1@example.com',
  'breach-notice:backupApproverEmails': 'b1@example.com',
  // Every optional setting set, so every optional variable has a value and must be read.
  'breach-notice:smsSenderId': 'Example',
  'breach-notice:replyToAddress': 'help@example.com',
  'breach-notice:supportHotline': '+44 20 7946 0000',
  'breach-notice:questionFormUrl': 'https://example.com/security/questions',
  'breach-notice:regulatorClockReminders': '50%,90%,2h',
  'breach-notice:drillSmsSink': '+15005550006',
  'breach-notice:updateLeadMinutes': '600',
  'breach-notice:smsLink': 'https://example.com/i',
  'breach-notice:apology': JSON.stringify({ en: 'We apologise.', 'zh-CN': '我们深表歉意。' }),
};
const config = parseAppConfig((key) => (context as Record<string, unknown>)[key]);
const values = functionEnvironment(config, {
  incidentsTable: 'incidents',
  customersTable: 'customers',
  deliveriesTable: 'deliveries',
  idempotencyTable: 'idempotency',
  responseTeamTopicArn: 'arn:aws:sns:us-east-1:000000000000:team',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:incident-response',
  publicChannelsTopicArn: 'arn:aws:sns:us-east-1:000000000000:public',
  incidentPagesBucket: 'incident-pages',
  incidentPagesUrl: 'https://d111111abcdef8.cloudfront.net',
  questionFormSecretId: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:question-form-key',
  approvalBaseUrl: 'https://approvals.example.com',
  configurationSet: 'notices',
});
const contract = new Set(Object.keys(ENVIRONMENT));
const names = Object.keys(FUNCTIONS) as FunctionName[];
const original = process.env;

afterEach(() => {
  process.env = original;
});

/** Loads a handler module as Lambda would, with `env` only, and returns the contract variables it read. */
async function variablesReadBy(name: FunctionName, env: Record<string, string>): Promise<string[]> {
  const read = new Set<string>();
  process.env = new Proxy(
    { ...original, ...env },
    {
      get(target, key, receiver) {
        if (typeof key === 'string' && contract.has(key)) read.add(key);
        return Reflect.get(target, key, receiver);
      },
    },
  );
  vi.resetModules();
  await import(`../../functions/handlers/${name}.ts`);
  return [...read].sort();
}

describe('the environment contract', () => {
  it.each(names)('%s reads exactly the variables its descriptor sets, and loads with them', async (name) => {
    // Prepare: what the stack gives this function, over the test's own environment (where AWS_REGION is, as the Lambda runtime sets it).
    const env = environmentOf(name, values);
    for (const key of Object.keys(original)) if (contract.has(key)) throw new Error(`${key} leaks into the test's own environment`);
    // Act
    const read = await variablesReadBy(name, env);
    // Assess: read but not set fails here, and so does set but never read.
    expect(read).toEqual(Object.keys(env).sort());
  });

  it("gives every deployed function exactly its descriptor's variables (and no approver phone to a function that does not read it)", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
    const stack = new BreachNoticeStack(app, 'Test', { config });
    const functions = stack.node.findAll().filter((c): c is BreachNoticeFunction => c instanceof BreachNoticeFunction);
    expect(functions.map((fn) => fn.handlerName).sort()).toEqual([...names].sort());
    for (const fn of functions) {
      const variables = stack.resolve((fn.node.defaultChild as CfnFunction).environment) as { variables: Record<string, unknown> };
      const set = Object.keys(variables.variables)
        .filter((key) => contract.has(key))
        .sort();
      expect(set, fn.handlerName).toEqual(environmentKeys(fn.handlerName as FunctionName).sort());
      // The approvers' phones for SMS codes: notices' approvals and FAQ answers' (operator-api).
      if (!['wait-for-approval', 'operator-api'].includes(fn.handlerName)) expect(set, fn.handlerName).not.toContain('APPROVER_PHONES');
    }
  });
});
