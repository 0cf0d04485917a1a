/**
 * One normalisation for the identifiers operators write in the directory and the identifiers alarms
 * carry, so both sides meet on the same match keys in the customers table's resource items.
 *
 * Rules:
 * - An ARN matches an ARN of the same kind with the same partition, region, account and resource
 *   name (so `orders` tables in two accounts stay apart). Sub-resources fold into their parent:
 *   an S3 object into its bucket, a DynamoDB index or stream into its table, a qualified Lambda
 *   ARN (version or alias) into its function.
 * - A bare name (`orders`) matches any ARN whose resource name equals it, and other bare names,
 *   case-insensitively: the operator did not say which account, region or kind, so we do not guess.
 * - An ARN of one kind never matches an ARN of another kind (`arn:aws:s3:::orders` is not the
 *   `orders` table).
 * - EC2 instance ids and IAM access key ids are unique by format: bare or inside an ARN, they match.
 *
 * Matching is asymmetric (a bare name must find ARNs, but two ARNs of different kinds must not meet
 * through their shared name), so a directory entry is indexed under `index` keys and an alarm
 * identifier is looked up under `query` keys.
 */

export type ResourceRef =
  | { form: 'arn'; kind: string; partition: string; region: string; account: string; name: string }
  | { form: 'id'; kind: 'ec2-instance' | 'iam-access-key'; name: string }
  | { form: 'name'; name: string };

export interface MatchKeys {
  /** Keys a directory entry is stored under. */
  index: string[];
  /** Keys an alarm identifier is looked up by. */
  query: string[];
}

const ARN = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/;
const EC2_INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const ACCESS_KEY_ID = /^(?:AKIA|ASIA)[A-Z0-9]{12,124}$/;
const S3_URI = /^s3:\/\/([^/]+)/i;
// `bucket/key`, as Macie writes an object's path; a bucket name cannot contain a slash.
const S3_PATH = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/./;

/** Splits an ARN's resource part (`type/name...` or `type:name...`) into its type and the rest. */
function splitResource(resource: string): [type: string, rest: string] {
  const at = resource.search(/[/:]/);
  return at < 0 ? ['', resource] : [resource.slice(0, at), resource.slice(at + 1)];
}

function fromArn(partition: string, service: string, region: string, account: string, resource: string): ResourceRef {
  const arn = (kind: string, name: string): ResourceRef => ({ form: 'arn', kind, partition, region, account, name });
  const [type, rest] = splitResource(resource);
  // Bucket ARNs have no region or account; access points and Outposts (which do) are their own kinds.
  if (service === 's3' && !region && !account) return arn('s3:bucket', resource.split('/')[0]!);
  if (service === 'dynamodb' && type === 'table') return arn('dynamodb:table', rest.split('/')[0]!);
  // RDS identifiers are case-insensitive; AWS reports them in lower case.
  if (service === 'rds' && (type === 'db' || type === 'cluster')) return arn(`rds:${type}`, rest.toLowerCase());
  if (service === 'lambda' && type === 'function') return arn('lambda:function', rest.split(':')[0]!);
  if (service === 'cloudwatch' && type === 'alarm') return arn('cloudwatch:alarm', rest);
  if (service === 'ec2' && type === 'instance' && EC2_INSTANCE_ID.test(rest)) return { form: 'id', kind: 'ec2-instance', name: rest };
  // IAM names are unique per account whatever their path, and case-insensitive.
  if (service === 'iam' && type === 'user') return arn('iam:user', rest.split('/').at(-1)!.toLowerCase());
  return arn(`${service}:${type}`, type === '' ? rest : rest.split(/[/:]/).at(-1)!);
}

/** What an identifier names, as far as its text tells. */
export function parseResource(text: string): ResourceRef {
  const value = text.trim();
  const arn = ARN.exec(value);
  if (arn) return fromArn(arn[1]!, arn[2]!, arn[3]!, arn[4]!, arn[5]!);
  if (EC2_INSTANCE_ID.test(value)) return { form: 'id', kind: 'ec2-instance', name: value };
  if (ACCESS_KEY_ID.test(value)) return { form: 'id', kind: 'iam-access-key', name: value };
  const bucket = S3_URI.exec(value) ?? S3_PATH.exec(value);
  if (bucket) return { form: 'name', name: bucket[1]! };
  return { form: 'name', name: value };
}

/** The index and query keys of one identifier (a directory entry or an alarm's resource). */
export function matchKeys(text: string): MatchKeys {
  const ref = parseResource(text);
  switch (ref.form) {
    case 'id': {
      const key = `id|${ref.kind}|${ref.name}`;
      return { index: [key], query: [key] };
    }
    case 'arn': {
      const exact = `arn|${ref.kind}|${ref.partition}|${ref.region}|${ref.account}|${ref.name}`;
      const name = ref.name.toLowerCase();
      // Stored as "an ARN named X" so bare names find it; looked up as "the name X" to find bare entries.
      return { index: [exact, `arn-name|${name}`], query: [exact, `name|${name}`] };
    }
    case 'name': {
      const name = ref.name.toLowerCase();
      return { index: [`name|${name}`], query: [`name|${name}`, `arn-name|${name}`] };
    }
  }
}
