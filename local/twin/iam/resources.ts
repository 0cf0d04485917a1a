import { createHash } from 'node:crypto';
import type { CfnResource } from '../from-stack.js';

/** The twin's own names for the stack's resources, which CloudFormation would have chosen in AWS. */
export interface TwinNames {
  region: string;
  account: string;
  /** Table construct id in lower case (incidents, customers, ...) -> table name. */
  tables: Record<string, string>;
  /** Topic construct id (ResponseTeamTopic, ...) -> topic ARN. */
  topics: Record<string, string>;
  stateMachineArn: string;
  /** Bucket construct id (IncidentPages, ...) -> bucket name. */
  buckets: Record<string, string>;
  /** Secret construct id (QuestionFormKey, ...) -> secret name. */
  secrets: Record<string, string>;
  /** Function logical id -> function name. */
  functions: Record<string, string>;
  /** SES configuration set construct id (ConfigurationSet) -> its name. */
  configurationSets?: Record<string, string>;
}

/** What an intrinsic function the twin cannot resolve would need: the template uses one it does not know. */
export class UnresolvableIntrinsicError extends Error {}

const PSEUDO: Record<string, (n: TwinNames) => string> = {
  'AWS::Partition': () => 'aws',
  'AWS::Region': (n) => n.region,
  'AWS::AccountId': (n) => n.account,
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': () => 'BreachNotice',
  'AWS::StackId': (n) => `arn:aws:cloudformation:${n.region}:${n.account}:stack/BreachNotice/twin`,
};

/** The construct id a resource was made from: `BreachNotice/Channels/ResponseTeamTopic/Resource` -> `ResponseTeamTopic`. */
const constructId = (r: CfnResource, logicalId: string) => {
  const parts = (r.Metadata?.['aws:cdk:path'] ?? '').split('/');
  return parts.at(-1) === 'Resource' ? parts.at(-2)! : logicalId;
};

/** A stable, UUID-shaped id for a resource the twin names itself (a KMS key id). */
const uuidOf = (seed: string) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * Resolves the template's intrinsic functions (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, pseudo
 * parameters) to the twin's own names and ARNs, so the policies the template attaches name what the
 * functions call on the twin. Resources the twin does not run get ARNs of their own kind that nothing
 * the twin serves matches.
 */
export class StackResolver {
  constructor(
    private readonly resources: Record<string, CfnResource>,
    private readonly names: TwinNames,
  ) {}

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [[fn, arg]] = entries as [[string, unknown]];
      if (fn === 'Ref') return this.ref(String(arg));
      if (fn === 'Fn::GetAtt') {
        const [id, attr] = typeof arg === 'string' ? (arg.split(/\.(.*)/) as [string, string]) : (arg as [string, string]);
        return this.getAtt(id, attr);
      }
      if (fn === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return (this.resolve(parts) as unknown[]).join(separator);
      }
      if (fn === 'Fn::Select') {
        const [index, list] = arg as [number | string, unknown];
        return (this.resolve(list) as unknown[])[Number(this.resolve(index))];
      }
      if (fn === 'Fn::Split') {
        const [separator, source] = arg as [string, unknown];
        return String(this.resolve(source)).split(separator);
      }
      if (fn === 'Fn::Sub') return this.sub(arg);
      if (fn.startsWith('Fn::') || fn === 'Condition')
        throw new UnresolvableIntrinsicError(`The twin does not resolve ${fn} (in ${JSON.stringify(value).slice(0, 200)})`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  ref(id: string): string {
    const pseudo = PSEUDO[id];
    if (pseudo) return pseudo(this.names);
    const r = this.resource(id);
    const { region, account } = this.names;
    const cid = constructId(r, id);
    switch (r.Type) {
      case 'AWS::DynamoDB::Table':
        return this.tableName(id);
      case 'AWS::SNS::Topic':
        return this.names.topics[cid] ?? `arn:aws:sns:${region}:${account}:${id}`;
      case 'AWS::StepFunctions::StateMachine':
        return this.names.stateMachineArn;
      case 'AWS::S3::Bucket':
        return this.names.buckets[cid] ?? id.toLowerCase();
      case 'AWS::SecretsManager::Secret':
        return this.secretArn(id);
      case 'AWS::Lambda::Function':
        return this.names.functions[id] ?? id;
      case 'AWS::KMS::Key':
        return uuidOf(id);
      case 'AWS::IAM::ManagedPolicy':
        return `arn:aws:iam::${account}:policy/${id}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${id}`;
      case 'AWS::SES::ConfigurationSet':
        return this.names.configurationSets?.[cid] ?? String((r.Properties?.Name as string | undefined) ?? id);
      case 'AWS::Logs::LogGroup':
        // A group the stack names (SNS's SMS status groups) is that name; others get their id.
        return r.Properties?.LogGroupName !== undefined ? String(this.resolve(r.Properties.LogGroupName)) : id;
      default:
        // Roles, APIs, distributions, rules, alarms: their name or id.
        return id;
    }
  }

  getAtt(id: string, attr: string): string {
    const r = this.resource(id);
    const { region, account } = this.names;
    const name = this.ref(id);
    const arns: Record<string, () => string> = {
      'AWS::DynamoDB::Table': () => `arn:aws:dynamodb:${region}:${account}:table/${name}`,
      'AWS::SNS::Topic': () => name,
      'AWS::StepFunctions::StateMachine': () => name,
      'AWS::S3::Bucket': () => `arn:aws:s3:::${name}`,
      'AWS::SecretsManager::Secret': () => name,
      'AWS::Lambda::Function': () => `arn:aws:lambda:${region}:${account}:function:${name}`,
      'AWS::IAM::Role': () => `arn:aws:iam::${account}:role/${name}`,
      'AWS::KMS::Key': () => `arn:aws:kms:${region}:${account}:key/${name}`,
      'AWS::Logs::LogGroup': () => `arn:aws:logs:${region}:${account}:log-group:${name}:*`,
      'AWS::SQS::Queue': () => `arn:aws:sqs:${region}:${account}:${id}`,
      'AWS::CloudWatch::Alarm': () => `arn:aws:cloudwatch:${region}:${account}:alarm:${id}`,
      'AWS::Events::Rule': () => `arn:aws:events:${region}:${account}:rule/${id}`,
    };
    if (attr === 'Arn') {
      const arn = arns[r.Type];
      if (!arn) throw new UnresolvableIntrinsicError(`The twin gives no ARN to ${r.Type} ${id}`);
      return arn();
    }
    if (attr === 'Name' && r.Type === 'AWS::StepFunctions::StateMachine') return name.split(':').at(-1)!;
    if (attr === 'StreamArn' && r.Type === 'AWS::DynamoDB::Table') return `${this.getAtt(id, 'Arn')}/stream/twin`;
    if (attr === 'QueueName' && r.Type === 'AWS::SQS::Queue') return id;
    if (attr === 'TopicName' && r.Type === 'AWS::SNS::Topic') return name.split(':').at(-1)!;
    // Endpoints, domain names and ids of what the twin does not run (APIs, distributions).
    return `${id.toLowerCase()}.${attr.toLowerCase()}.twin.invalid`;
  }

  /** The secret's ARN as the twin names it (AWS adds six random characters; the twin's id is its name). */
  secretArn(id: string): string {
    const cid = constructId(this.resource(id), id);
    return `arn:aws:secretsmanager:${this.names.region}:${this.names.account}:secret:${this.names.secrets[cid] ?? id}`;
  }

  private tableName(id: string): string {
    const r = this.resource(id);
    const key = (r.Metadata?.['aws:cdk:path'] ?? '').split('/').at(-2)?.toLowerCase() ?? '';
    return this.names.tables[key] ?? id;
  }

  private resource(id: string): CfnResource {
    const r = this.resources[id];
    if (!r) throw new UnresolvableIntrinsicError(`The template refers to ${id}, which it does not define`);
    return r;
  }

  private sub(arg: unknown): string {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
    return text.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name in vars) return String(this.resolve(vars[name]));
      if (PSEUDO[name]) return PSEUDO[name](this.names);
      const [id, attr] = name.split(/\.(.*)/) as [string, string | undefined];
      return attr ? this.getAtt(id, attr) : this.ref(id);
    });
  }
}
