import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import {
  GetSMSAttributesCommand,
  GetSMSSandboxAccountStatusCommand,
  ListOriginationNumbersCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/adapters/keys.js';
import type { CustomerProfile } from '../../functions/domain/customer.js';
import { countProfile, emptyCensus, type Census, type OriginationNumber, type PreflightPorts, type Subscriber } from './preflight-checks.js';

/** The deployed stack as preflight needs it: three outputs and its EventBridge rules. */
export interface StackFacts {
  approvalBaseUrl: string;
  responseTeamTopicArn: string;
  customersTable: string;
  /** The rules' names, and their bus when not the default one. */
  rules(): Promise<{ name: string; eventBusName?: string }[]>;
}

export class StackOutputMissingError extends Error {}

export interface AwsClients {
  cloudFormation: CloudFormationClient;
  dynamodb: DynamoDBClient;
  events: EventBridgeClient;
  ses: SESv2Client;
  sns: SNSClient;
}

/** Clients from the SDK's own configuration chain: AWS_REGION, AWS_ENDPOINT_URL, profiles and credentials. */
export function awsClients(config: { region?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {}): AwsClients {
  return {
    cloudFormation: new CloudFormationClient(config),
    dynamodb: new DynamoDBClient(config),
    events: new EventBridgeClient(config),
    ses: new SESv2Client(config),
    sns: new SNSClient(config),
  };
}

/**
 * The stack's outputs (infra/stack.ts) from DescribeStacks, and its rules from ListStackResources:
 * a rule's physical id is its name, or `bus|name` on another bus
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html#aws-resource-events-rule-return-values).
 */
export async function deployedStack(cloudFormation: Pick<CloudFormationClient, 'send'>, stackName: string): Promise<StackFacts> {
  const stack = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  const outputs = new Map((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const output = (key: string) => {
    const value = outputs.get(key);
    if (!value) throw new StackOutputMissingError(`Stack ${stackName} has no output ${key}: is it the breach-notice stack, deployed from this version?`);
    return value;
  };
  return {
    approvalBaseUrl: output('ApprovalBaseUrl'),
    responseTeamTopicArn: output('ResponseTeamTopicArn'),
    customersTable: output('CustomersTableName'),
    rules: async () => {
      const rules: { name: string; eventBusName?: string }[] = [];
      let token: string | undefined;
      do {
        const page = await cloudFormation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: token }));
        for (const r of page.StackResourceSummaries ?? []) {
          if (r.ResourceType !== 'AWS::Events::Rule' || !r.PhysicalResourceId) continue;
          const [bus, name] = r.PhysicalResourceId.includes('|') ? r.PhysicalResourceId.split('|') : [undefined, r.PhysicalResourceId];
          rules.push({ name: name!, ...(bus ? { eventBusName: bus } : {}) });
        }
        token = page.NextToken;
      } while (token);
      return rules;
    },
  };
}

/**
 * The twin's stack: the names local/twin/twin.ts provisions (prefix breach-notice, in the twin's Region and
 * account), the edge as the approval URL, and every rule the edge lists (it holds only the stack's).
 */
export function twinStack(edgeUrl: string, events: Pick<EventBridgeClient, 'send'>): StackFacts {
  return {
    approvalBaseUrl: edgeUrl,
    responseTeamTopicArn: 'arn:aws:sns:us-east-1:000000000000:breach-notice-response-team',
    customersTable: 'breach-notice-customers',
    rules: async () => ((await events.send(new ListRulesCommand({}))).Rules ?? []).map((r) => ({ name: r.Name! })),
  };
}

const SCAN_SEGMENTS = 4;
const PROFILE_SK = keys.profile('').sk;

/** The ports over the SDK; the customers table is read once, profiles only, in parallel segments. */
export function awsPorts(clients: AwsClients, stack: StackFacts): PreflightPorts {
  const { ses, sns, events } = clients;
  const doc = DynamoDBDocumentClient.from(clients.dynamodb);
  return {
    ses: {
      emailIdentity: async (identity) => {
        try {
          const out = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: identity }));
          return { verifiedForSending: out.VerifiedForSendingStatus ?? false, dkimStatus: out.DkimAttributes?.Status };
        } catch (error) {
          if ((error as Error).name === 'NotFoundException') return undefined;
          throw error;
        }
      },
      account: async () => {
        const out = await ses.send(new GetAccountCommand({}));
        return {
          productionAccess: out.ProductionAccessEnabled ?? false,
          sendingEnabled: out.SendingEnabled ?? false,
          enforcementStatus: out.EnforcementStatus,
          max24HourSend: out.SendQuota?.Max24HourSend ?? 0,
          maxSendRate: out.SendQuota?.MaxSendRate ?? 0,
        };
      },
    },
    sms: {
      inSandbox: async () => (await sns.send(new GetSMSSandboxAccountStatusCommand({}))).IsInSandbox ?? true,
      monthlySpendLimitUsd: async () => {
        const value = (await sns.send(new GetSMSAttributesCommand({ attributes: ['MonthlySpendLimit'] }))).attributes?.MonthlySpendLimit;
        return value === undefined || value === '' ? undefined : Number(value);
      },
      originationNumbers: async () => {
        const numbers: OriginationNumber[] = [];
        let token: string | undefined;
        do {
          const page = await sns.send(new ListOriginationNumbersCommand({ NextToken: token }));
          for (const n of page.PhoneNumbers ?? []) {
            numbers.push({
              phoneNumber: n.PhoneNumber ?? '',
              country: n.Iso2CountryCode ?? '',
              status: n.Status ?? '',
              sms: (n.NumberCapabilities ?? []).includes('SMS'),
            });
          }
          token = page.NextToken;
        } while (token);
        return numbers;
      },
    },
    topics: {
      subscriptions: async (topicArn) => {
        const subscribers: Subscriber[] = [];
        let token: string | undefined;
        do {
          const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
          for (const s of page.Subscriptions ?? []) {
            subscribers.push({
              protocol: s.Protocol ?? '',
              endpoint: s.Endpoint ?? '',
              confirmed: !!s.SubscriptionArn && s.SubscriptionArn !== 'PendingConfirmation',
            });
          }
          token = page.NextToken;
        } while (token);
        return subscribers;
      },
    },
    directory: {
      // Counted, not DescribeTable's ItemCount: that is refreshed about every six hours and counts
      // resource items too (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html).
      census: async () => {
        const census: Census = emptyCensus();
        await Promise.all(
          Array.from({ length: SCAN_SEGMENTS }, async (_, segment) => {
            let start: Record<string, unknown> | undefined;
            do {
              const page = await doc.send(
                new ScanCommand({
                  TableName: stack.customersTable,
                  Segment: segment,
                  TotalSegments: SCAN_SEGMENTS,
                  FilterExpression: '#sk = :profile',
                  ProjectionExpression: '#email, #phone, #channels, #country',
                  ExpressionAttributeNames: { '#sk': 'sk', '#email': 'email', '#phone': 'phone', '#channels': 'channels', '#country': 'country' },
                  ExpressionAttributeValues: { ':profile': PROFILE_SK },
                  ExclusiveStartKey: start,
                }),
              );
              for (const item of page.Items ?? []) countProfile(census, item as Pick<CustomerProfile, 'email' | 'phone' | 'channels' | 'country'>);
              start = page.LastEvaluatedKey;
            } while (start);
          }),
        );
        return census;
      },
    },
    rules: {
      states: async () =>
        Promise.all(
          (await stack.rules()).map(async (rule) => {
            const out = await events.send(new DescribeRuleCommand({ Name: rule.name, EventBusName: rule.eventBusName }));
            return { name: rule.name, state: out.State ?? 'UNKNOWN' };
          }),
        ),
    },
    http: {
      get: async (url) => {
        try {
          const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
          await res.body?.cancel();
          return { status: res.status };
        } catch (error) {
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          return { error: cause?.code ?? cause?.message ?? (error as Error).message };
        }
      },
    },
  };
}
