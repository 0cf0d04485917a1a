import { DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { deployedStack, StackOutputMissingError } from '../../local/tools/preflight-aws.js';
import {
  checkApprovalUrl,
  checkOriginationIdentities,
  checkRules,
  checkSenderIdentity,
  checkSesAccess,
  checkSesQuota,
  checkSmsSandbox,
  checkSmsSpend,
  checkTeamSubscriptions,
  countProfile,
  emptyCensus,
  formatResults,
  hoursToSend,
  runPreflight,
  type Census,
  type DirectoryPort,
  type EmailIdentityState,
  type OriginationNumber,
  type PreflightPorts,
  type SesAccountState,
} from '../../local/tools/preflight-checks.js';

const SENDER = 'security-notices@example.com';
const verified: EmailIdentityState = { verifiedForSending: true, dkimStatus: 'SUCCESS' };
const productionAccount: SesAccountState = {
  productionAccess: true,
  sendingEnabled: true,
  enforcementStatus: 'HEALTHY',
  max24HourSend: 50_000,
  maxSendRate: 14,
};
const price = { usdPerSegment: 0.05, source: 'test price' };
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:team';

function identities(byName: Record<string, EmailIdentityState>) {
  return { emailIdentity: async (identity: string) => byName[identity] };
}

function directory(census: Partial<Census> & { smsByCountry?: Map<string, number> }): DirectoryPort {
  const whole = { ...emptyCensus(), ...census };
  return { census: async () => whole };
}

const number = (country: string, status = 'ACTIVE', sms = true): OriginationNumber => ({ phoneNumber: `+1555${country}`, country, status, sms });

describe('preflight: sender identity', () => {
  it('passes when the domain is verified with DKIM SUCCESS', async () => {
    const result = await checkSenderIdentity(SENDER, identities({ 'example.com': verified }));
    expect(result).toMatchObject({ ok: true, detail: expect.stringContaining('example.com is verified') });
  });

  it('passes when the address is verified and its DKIM succeeded', async () => {
    expect((await checkSenderIdentity(SENDER, identities({ [SENDER]: verified }))).ok).toBe(true);
  });

  it('fails when neither the address nor its domain is an identity, with the create command', async () => {
    const result = await checkSenderIdentity(SENDER, identities({}));
    expect(result.ok).toBe(false);
    expect(result.fix).toContain('aws sesv2 create-email-identity --email-identity example.com');
  });

  it('fails when verified but DKIM is not SUCCESS, naming the status', async () => {
    const result = await checkSenderIdentity(SENDER, identities({ 'example.com': { verifiedForSending: true, dkimStatus: 'PENDING' } }));
    expect(result).toMatchObject({ ok: false, detail: expect.stringContaining('DKIM status PENDING') });
    expect(result.fix).toContain('_domainkey.example.com');
  });

  it('fails when the identity exists but is not verified for sending', async () => {
    const result = await checkSenderIdentity(SENDER, identities({ 'example.com': { verifiedForSending: false, dkimStatus: 'SUCCESS' } }));
    expect(result).toMatchObject({ ok: false, detail: expect.stringContaining('example.com is not verified for sending') });
  });
});

describe('preflight: SES production access', () => {
  it('passes with production access and sending enabled', async () => {
    expect((await checkSesAccess({ account: async () => productionAccount })).ok).toBe(true);
  });

  it('fails in the sandbox, with the request', async () => {
    const result = await checkSesAccess({ account: async () => ({ ...productionAccount, productionAccess: false }) });
    expect(result).toMatchObject({ ok: false, detail: expect.stringContaining('SES sandbox') });
    expect(result.fix).toContain('--production-access-enabled');
  });

  it('fails when sending is paused, with the command that resumes it', async () => {
    const result = await checkSesAccess({ account: async () => ({ ...productionAccount, sendingEnabled: false, enforcementStatus: 'SHUTDOWN' }) });
    expect(result).toMatchObject({ ok: false, detail: expect.stringContaining('enforcement status SHUTDOWN') });
    expect(result.fix).toContain('put-account-sending-attributes --sending-enabled');
  });
});

describe('preflight: SES quota against the directory', () => {
  it('hoursToSend: the rate binds within one day, the daily quota beyond it', () => {
    expect(hoursToSend(0, 1, 1)).toBe(0);
    expect(hoursToSend(36_000, 10, 1_000_000)).toBe(1);
    // 200 a day: the first 200 in 200 s, the rest 24 h later.
    expect(hoursToSend(300, 1, 200)).toBeCloseTo(24 + 100 / 3600, 6);
    // A daily quota above what the rate allows in a day is capped by the rate.
    expect(hoursToSend(86_400 * 2, 1, 1_000_000)).toBeCloseTo(48, 6);
    expect(hoursToSend(10, 0, 100)).toBe(Number.POSITIVE_INFINITY);
  });

  it('passes when everyone is reached within the target, counting profiles with email', async () => {
    const result = await checkSesQuota({ account: async () => productionAccount }, directory({ profiles: 1000, email: 900 }), 24);
    expect(result).toMatchObject({ ok: true, detail: expect.stringContaining('900 customers with email (counted from the 1000 profiles') });
    expect(result.detail).toContain('2 min');
  });

  it('fails when the daily quota cannot reach everyone in time, asking for the quota it needs', async () => {
    const sandbox = { ...productionAccount, max24HourSend: 200, maxSendRate: 1 };
    const result = await checkSesQuota({ account: async () => sandbox }, directory({ profiles: 1000, email: 1000 }), 24);
    expect(result).toMatchObject({ ok: false, detail: expect.stringContaining('96.1 h') });
    expect(result.fix).toContain('daily sending quota of at least 1000');
  });

  it('fails when the rate alone is too slow for the target', async () => {
    const result = await checkSesQuota({ account: async () => ({ ...productionAccount, max24HourSend: 10_000_000 }) }, directory({ email: 1_000_000 }), 4);
    expect(result.ok).toBe(false);
    expect(result.fix).toContain('sending rate of at least 70/s');
  });
});

describe('preflight: SNS SMS sandbox', () => {
  it('passes out of the sandbox', async () => {
    expect((await checkSmsSandbox({ inSandbox: async () => false })).ok).toBe(true);
  });

  it('fails in the sandbox, with where to leave it', async () => {
    const result = await checkSmsSandbox({ inSandbox: async () => true });
    expect(result.ok).toBe(false);
    expect(result.fix).toContain('Exit SMS sandbox');
  });
});

describe('preflight: monthly SMS spend limit', () => {
  it('passes when one SMS to every SMS customer fits the limit, at two segments each', async () => {
    const result = await checkSmsSpend({ monthlySpendLimitUsd: async () => 100 }, directory({ sms: 1000 }), price);
    expect(result).toMatchObject({ ok: true, detail: expect.stringContaining('USD 100.00 (2 segments at USD 0.05, test price)') });
  });

  it('fails at the default limit (USD 1 when never set), asking for what one notice costs', async () => {
    const result = await checkSmsSpend({ monthlySpendLimitUsd: async () => undefined }, directory({ sms: 11 }), price);
    expect(result).toMatchObject({ ok: false, detail: expect.stringContaining("USD 1.00 (not set: AWS's default") });
    expect(result.fix).toContain('MonthlySpendLimit=2');
  });

  it('fails when the set limit is below the cost', async () => {
    const result = await checkSmsSpend({ monthlySpendLimitUsd: async () => 99 }, directory({ sms: 1000 }), price);
    expect(result.ok).toBe(false);
    expect(result.fix).toContain('at least USD 100 a month');
  });
});

describe("preflight: origination identities for the directory's countries", () => {
  const census = directory({
    sms: 10,
    smsByCountry: new Map([
      ['US', 4],
      ['GB', 3],
      ['CN', 2],
      ['SG', 1],
    ]),
  });

  it('passes when each country has an active SMS number, a declared registration, or needs none', async () => {
    const result = await checkOriginationIdentities({ originationNumbers: async () => [number('US'), number('SG')] }, census, ['CN']);
    expect(result.ok).toBe(true);
    expect(result.detail).toContain('US 4 (+1555US)');
    expect(result.detail).toContain('CN 2 (registered, as declared)');
    expect(result.detail).toContain('none required (SNS sends through a shared one): GB 3');
  });

  it('fails for each country that needs a registration and has none, with its fix', async () => {
    const result = await checkOriginationIdentities({ originationNumbers: async () => [number('GB')] }, census, []);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('US 4: no active SMS number, and it needs a registered toll-free number');
    expect(result.detail).toContain('CN 2: no active SMS number, and it needs its SMS template registered');
    expect(result.detail).toContain('SG 1: no active SMS number, and it needs a registered sender ID');
    expect(result.fix).toMatch(/^US: .*; CN: .*; SG: .*--registered-countries/);
  });

  it('a number that is not active or cannot send SMS covers nothing', async () => {
    const result = await checkOriginationIdentities(
      { originationNumbers: async () => [number('US', 'PENDING'), number('US', 'ACTIVE', false)] },
      directory({ sms: 1, smsByCountry: new Map([['US', 1]]) }),
      [],
    );
    expect(result.ok).toBe(false);
  });

  it('passes with no SMS customers', async () => {
    expect((await checkOriginationIdentities({ originationNumbers: async () => [] }, directory({}), [])).ok).toBe(true);
  });
});

describe('preflight: response-team subscriptions', () => {
  const sub = (confirmed: boolean) => ({ protocol: 'email', endpoint: 'team@example.com', confirmed });

  it('passes with confirmed subscriptions only', async () => {
    expect(await checkTeamSubscriptions({ subscriptions: async () => [sub(true)] }, TOPIC)).toMatchObject({
      ok: true,
      detail: '1 confirmed: email:team@example.com',
    });
  });

  it('fails with a subscription pending confirmation', async () => {
    const result = await checkTeamSubscriptions({ subscriptions: async () => [sub(true), sub(false)] }, TOPIC);
    expect(result).toMatchObject({ ok: false, detail: expect.stringContaining('1 of 2 not confirmed (PendingConfirmation)') });
  });

  it('fails with nobody subscribed, with the subscribe command', async () => {
    const result = await checkTeamSubscriptions({ subscriptions: async () => [] }, TOPIC);
    expect(result.ok).toBe(false);
    expect(result.fix).toContain(`aws sns subscribe --topic-arn ${TOPIC} --protocol email`);
  });
});

describe('preflight: the approval URL answers', () => {
  it('passes on any HTTP answer', async () => {
    expect((await checkApprovalUrl({ get: async () => ({ status: 404 }) }, 'https://api.example.com')).ok).toBe(true);
  });

  it('fails when nothing answers', async () => {
    const result = await checkApprovalUrl({ get: async () => ({ error: 'ENOTFOUND' }) }, 'https://api.example.com');
    expect(result).toMatchObject({ ok: false, detail: 'GET https://api.example.com got no answer: ENOTFOUND' });
  });
});

describe('preflight: EventBridge rules enabled', () => {
  it('passes when every rule is ENABLED', async () => {
    expect((await checkRules({ states: async () => [{ name: 'A', state: 'ENABLED' }] })).ok).toBe(true);
  });

  it('fails for a disabled rule, with the command that enables it', async () => {
    const result = await checkRules({
      states: async () => [
        { name: 'A', state: 'ENABLED' },
        { name: 'B', state: 'DISABLED' },
      ],
    });
    expect(result).toMatchObject({ ok: false, fix: 'aws events enable-rule --name B' });
  });

  it('fails when the stack has no rules', async () => {
    expect((await checkRules({ states: async () => [] })).ok).toBe(false);
  });
});

describe('preflight: the directory census', () => {
  it('counts customers by the channels they chose and the address they have', () => {
    const census = emptyCensus();
    countProfile(census, { email: 'a@example.com', phone: '+447700900001', channels: ['email', 'sms'], country: 'GB' });
    countProfile(census, { email: 'b@example.com', phone: '+447700900002', channels: ['email'], country: 'GB' });
    countProfile(census, { channels: ['email', 'sms'], country: 'DE' });
    expect(census).toEqual({ profiles: 3, email: 2, sms: 1, smsByCountry: new Map([['GB', 1]]) });
  });
});

describe('preflight: the run', () => {
  const ports = (): PreflightPorts => ({
    ses: { emailIdentity: async () => verified, account: async () => productionAccount },
    sms: { inSandbox: async () => false, monthlySpendLimitUsd: async () => 1000, originationNumbers: async () => [number('GB')] },
    topics: { subscriptions: async () => [{ protocol: 'email', endpoint: 'team@example.com', confirmed: true }] },
    directory: directory({ profiles: 2, email: 2, sms: 1, smsByCountry: new Map([['GB', 1]]) }),
    rules: { states: async () => [{ name: 'A', state: 'ENABLED' }] },
    http: { get: async () => ({ status: 200 }) },
  });
  const settings = {
    senderAddress: SENDER,
    responseTeamTopicArn: TOPIC,
    approvalBaseUrl: 'https://api.example.com',
    reachWithinHours: 24,
    smsPrice: price,
    registeredCountries: [],
  };

  it('runs all nine checks, reads the directory once, and reports every pass', async () => {
    const base = ports();
    let scans = 0;
    const results = await runPreflight({ ...base, directory: { census: () => (scans++, base.directory.census()) } }, settings);
    expect(results.map((r) => r.ok)).toEqual(Array(9).fill(true));
    expect(scans).toBe(1);
    expect(formatResults(results)).toMatch(/^PASS {2}Sender identity: [^\n]+\n[\s\S]*all 9 checks passed$/);
  });

  it('a check whose read is refused fails with the reason and the permission; the others still run', async () => {
    const refused = Object.assign(new Error('not authorized to perform: sns:GetSMSSandboxAccountStatus'), { name: 'AuthorizationErrorException' });
    const results = await runPreflight({ ...ports(), sms: { ...ports().sms, inSandbox: async () => Promise.reject(refused) } }, settings);
    const failed = results.filter((r) => !r.ok);
    expect(failed).toEqual([
      {
        check: 'SNS SMS sandbox',
        ok: false,
        detail: 'could not check: AuthorizationErrorException: not authorized to perform: sns:GetSMSSandboxAccountStatus',
        fix: "run with credentials allowed sns:GetSMSSandboxAccountStatus, in the stack's Region (AWS_REGION)",
      },
    ]);
    expect(formatResults(results)).toContain('FAIL  SNS SMS sandbox: could not check');
    expect(formatResults(results)).toMatch(/1 of 9 checks failed$/);
  });
});

describe('preflight: the deployed stack from CloudFormation', () => {
  const outputs = [
    { OutputKey: 'ApprovalBaseUrl', OutputValue: 'https://abc.execute-api.eu-west-1.amazonaws.com' },
    { OutputKey: 'ResponseTeamTopicArn', OutputValue: TOPIC },
    { OutputKey: 'CustomersTableName', OutputValue: 'BreachNotice-Customers-1' },
  ];
  const cloudFormation = (stackOutputs = outputs) => ({
    send: async (command: unknown) => {
      if (command instanceof DescribeStacksCommand) return { Stacks: [{ StackName: 'BreachNotice', Outputs: stackOutputs }] };
      if (command instanceof ListStackResourcesCommand) {
        return command.input.NextToken
          ? { StackResourceSummaries: [{ ResourceType: 'AWS::Events::Rule', PhysicalResourceId: 'custom-bus|BreachNotice-Other-2' }] }
          : {
              NextToken: 'page-2',
              StackResourceSummaries: [
                { ResourceType: 'AWS::Events::Rule', PhysicalResourceId: 'BreachNotice-AlarmIntakeGuardDuty-1' },
                { ResourceType: 'AWS::SNS::Topic', PhysicalResourceId: TOPIC },
              ],
            };
      }
      throw new Error('unexpected command');
    },
  });

  it("reads the outputs and every page of the stack's rules, with the bus of one on another bus", async () => {
    const stack = await deployedStack(cloudFormation() as never, 'BreachNotice');
    expect(stack).toMatchObject({ approvalBaseUrl: outputs[0]!.OutputValue, responseTeamTopicArn: TOPIC, customersTable: 'BreachNotice-Customers-1' });
    expect(await stack.rules()).toEqual([{ name: 'BreachNotice-AlarmIntakeGuardDuty-1' }, { name: 'BreachNotice-Other-2', eventBusName: 'custom-bus' }]);
  });

  it('a stack without the outputs is refused by name', async () => {
    await expect(deployedStack(cloudFormation(outputs.slice(1)) as never, 'Other')).rejects.toThrow(StackOutputMissingError);
  });
});
