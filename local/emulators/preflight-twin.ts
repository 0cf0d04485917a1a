import { z } from 'zod';

/**
 * The account the twin reports to `npm run preflight`: what AWS would answer for an account ready to
 * send, except the SMS spend limit, which is AWS's default for a new account (USD 1) so the spend
 * check computes against a real figure. Each `TWIN_*` variable, read once at start, makes one check fail.
 */
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Every country of the demo directory (local/twin/demo-directory.ts), so its SMS customers are covered. */
const DEMO_COUNTRIES = 'GB,DE,FR,US,SG,CN';

const settingsSchema = z.object({
  /** SES GetAccount's ProductionAccessEnabled. */
  TWIN_SES_PRODUCTION_ACCESS: flag.default(true),
  /** SES GetAccount's SendingEnabled. */
  TWIN_SES_SENDING_ENABLED: flag.default(true),
  /** What GetEmailIdentity says of any identity: verified with DKIM, pending, verified without DKIM, or not created. */
  TWIN_SES_IDENTITY: z.enum(['verified', 'pending', 'dkim-failed', 'missing']).default('verified'),
  /** GetSMSSandboxAccountStatus's IsInSandbox. */
  TWIN_SNS_SANDBOX: flag.default(false),
  /** GetSMSAttributes' MonthlySpendLimit, in USD. */
  TWIN_SNS_MONTHLY_SPEND_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'expected an amount in USD such as 1 or 250')
    .default('1'),
  /** ISO 3166 countries ListOriginationNumbers lists an active SMS number for. */
  TWIN_SNS_ORIGINATION_COUNTRIES: list.pipe(z.array(z.string().regex(/^[A-Z]{2}$/))).default(DEMO_COUNTRIES.split(',')),
  /** Every topic's one subscriber: confirmed, pending confirmation, or none. */
  TWIN_SNS_SUBSCRIPTION: z.enum(['confirmed', 'pending', 'none']).default('confirmed'),
  /** Rules DescribeRule and ListRules report DISABLED (`*`: all). */
  TWIN_EVENTS_DISABLED_RULES: list.default([]),
});

export type TwinAccountSettings = z.infer<typeof settingsSchema>;

/** The settings from the environment; a bad value stops the twin with the variable named. */
export function twinAccountSettings(env: Record<string, string | undefined> = process.env): TwinAccountSettings {
  const parsed = settingsSchema.safeParse(Object.fromEntries(Object.keys(settingsSchema.shape).map((key) => [key, env[key] || undefined])));
  if (!parsed.success) {
    throw new Error(
      `Invalid twin setting: ${parsed.error.issues.map((i) => `${String(i.path[0])}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/** True when the settings name `rule` as disabled. */
export function ruleDisabled(settings: Pick<TwinAccountSettings, 'TWIN_EVENTS_DISABLED_RULES'>, rule: string): boolean {
  return settings.TWIN_EVENTS_DISABLED_RULES.includes('*') || settings.TWIN_EVENTS_DISABLED_RULES.includes(rule);
}

/**
 * SES v2 GetEmailIdentity as the twin answers it (aws-ses-v2-local has no identities): any identity
 * is in the state the settings give. Shape as documented in
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetEmailIdentity.html
 */
export function emailIdentity(identity: string, settings: Pick<TwinAccountSettings, 'TWIN_SES_IDENTITY'>): { status: number; body: Record<string, unknown> } {
  const state = settings.TWIN_SES_IDENTITY;
  if (state === 'missing') return { status: 404, body: { __type: 'NotFoundException', message: `Email identity ${identity} does not exist.` } };
  const dkim = state === 'verified' ? 'SUCCESS' : state === 'pending' ? 'PENDING' : 'FAILED';
  return {
    status: 200,
    body: {
      IdentityType: identity.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN',
      FeedbackForwardingStatus: true,
      VerifiedForSendingStatus: state !== 'pending',
      VerificationStatus: state === 'pending' ? 'PENDING' : 'SUCCESS',
      DkimAttributes: { SigningEnabled: true, Status: dkim, SigningAttributesOrigin: 'AWS_SES', Tokens: ['twin1', 'twin2', 'twin3'] },
      MailFromAttributes: { MailFromDomainStatus: 'SUCCESS', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
      Policies: {},
      Tags: [],
    },
  };
}
