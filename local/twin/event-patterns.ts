/**
 * EventBridge content filtering for the local twin, so PutEvents routes exactly as the deployed rules
 * do. Supports exact values, prefix, suffix, numeric, exists, anything-but and equals-ignore-case,
 * with EventBridge's rule that an array in the event matches when any element does.
 */
type Matcher = unknown;

function matchesOne(value: unknown, matcher: Matcher): boolean {
  if (matcher === null || typeof matcher !== 'object') return value === matcher;
  const m = matcher as Record<string, unknown>;
  if ('prefix' in m) return typeof value === 'string' && typeof m.prefix === 'string' && value.startsWith(m.prefix);
  if ('suffix' in m) return typeof value === 'string' && typeof m.suffix === 'string' && value.endsWith(m.suffix);
  if ('equals-ignore-case' in m) return typeof value === 'string' && value.toLowerCase() === String(m['equals-ignore-case']).toLowerCase();
  if ('numeric' in m) {
    if (typeof value !== 'number') return false;
    const ops = m.numeric as (string | number)[];
    for (let i = 0; i < ops.length; i += 2) {
      const op = ops[i];
      const bound = Number(ops[i + 1]);
      const ok =
        op === '>'
          ? value > bound
          : op === '>='
            ? value >= bound
            : op === '<'
              ? value < bound
              : op === '<='
                ? value <= bound
                : op === '='
                  ? value === bound
                  : false;
      if (!ok) return false;
    }
    return true;
  }
  if ('anything-but' in m) {
    const but = m['anything-but'];
    if (but && typeof but === 'object' && !Array.isArray(but)) return !matchesOne(value, but);
    return ![but].flat().some((b) => b === value);
  }
  throw new Error(`Unsupported EventBridge pattern operator: ${JSON.stringify(matcher)}`);
}

function fieldMatches(present: boolean, value: unknown, matchers: Matcher[]): boolean {
  return matchers.some((matcher) => {
    if (matcher && typeof matcher === 'object' && 'exists' in (matcher as object)) return (matcher as { exists: boolean }).exists === present;
    if (!present) return false;
    return Array.isArray(value) ? value.some((v) => matchesOne(v, matcher)) : matchesOne(value, matcher);
  });
}

/** True when `event` matches `pattern` (the JSON pattern object, as deployed). */
export function matchesPattern(event: unknown, pattern: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const container = event && typeof event === 'object' ? (event as Record<string, unknown>) : undefined;
    const present = container !== undefined && key in container;
    const value = container?.[key];
    if (Array.isArray(expected)) return fieldMatches(present, value, expected);
    if (expected && typeof expected === 'object') {
      // A nested pattern: each element of an array of objects is tried.
      if (Array.isArray(value)) return value.some((v) => matchesPattern(v, expected as Record<string, unknown>));
      return present && matchesPattern(value, expected as Record<string, unknown>);
    }
    throw new Error(`Invalid EventBridge pattern at ${key}: leaf values must be arrays`);
  });
}

/** A rule as ListRules and DescribeRule describe it (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeRule.html). */
export interface DeployedRule {
  Name: string;
  Arn: string;
  EventPattern: string;
  State: 'ENABLED' | 'DISABLED';
  EventBusName: 'default';
  CreatedBy: string;
}

/** The twin's rules on the default bus, as the stack deploys them; `disabled` names those turned off. */
export function deployedRules(
  rules: Record<string, Record<string, unknown>>,
  region: string,
  accountId: string,
  disabled: (name: string) => boolean,
): DeployedRule[] {
  return Object.entries(rules).map(([name, pattern]) => ({
    Name: name,
    Arn: `arn:aws:events:${region}:${accountId}:rule/${name}`,
    EventPattern: JSON.stringify(pattern),
    State: disabled(name) ? 'DISABLED' : 'ENABLED',
    EventBusName: 'default',
    CreatedBy: accountId,
  }));
}
