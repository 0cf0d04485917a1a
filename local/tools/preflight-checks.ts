import type { CustomerProfile } from '../../functions/domain/customer.js';

/**
 * What `npm run preflight` checks before the first incident: each check reads the account or the
 * stack through a small port and passes, or fails with the fix to make. Pure over the ports, so each
 * pass and fail path is tested with fakes (tests/unit/preflight.test.ts); preflight-aws.ts gives the
 * ports over the AWS SDK, which the twin answers too.
 */
export interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
  /** The console step or command that makes a failed check pass. */
  fix?: string;
}

export interface EmailIdentityState {
  verifiedForSending: boolean;
  /** DkimAttributes.Status: SUCCESS once the DKIM records are found. */
  dkimStatus: string | undefined;
}

export interface SesAccountState {
  productionAccess: boolean;
  sendingEnabled: boolean;
  enforcementStatus: string | undefined;
  max24HourSend: number;
  maxSendRate: number;
}

export interface SesPort {
  /** Undefined when no such identity was created. */
  emailIdentity(identity: string): Promise<EmailIdentityState | undefined>;
  account(): Promise<SesAccountState>;
}

export interface OriginationNumber {
  phoneNumber: string;
  country: string;
  status: string;
  sms: boolean;
}

export interface SmsPort {
  inSandbox(): Promise<boolean>;
  /** MonthlySpendLimit in USD; undefined when never set. */
  monthlySpendLimitUsd(): Promise<number | undefined>;
  originationNumbers(): Promise<OriginationNumber[]>;
}

export interface Subscriber {
  protocol: string;
  endpoint: string;
  confirmed: boolean;
}

export interface TopicPort {
  subscriptions(topicArn: string): Promise<Subscriber[]>;
}

/** Who the directory reaches on each channel, counted from its profiles. */
export interface Census {
  profiles: number;
  email: number;
  sms: number;
  smsByCountry: Map<string, number>;
}

export interface DirectoryPort {
  census(): Promise<Census>;
}

export interface RulesPort {
  /** Every rule of the stack and its state (ENABLED, DISABLED, ...). */
  states(): Promise<{ name: string; state: string }[]>;
}

export interface HttpPort {
  /** The status of a GET, or why there was no answer. */
  get(url: string): Promise<{ status: number } | { error: string }>;
}

export interface PreflightPorts {
  ses: SesPort;
  sms: SmsPort;
  topics: TopicPort;
  directory: DirectoryPort;
  rules: RulesPort;
  http: HttpPort;
}

export interface PreflightSettings {
  senderAddress: string;
  responseTeamTopicArn: string;
  approvalBaseUrl: string;
  /** Every customer with email should be reachable within this many hours. */
  reachWithinHours: number;
  smsPrice: SmsPrice;
  /** Countries where a sender ID or China's SMS template is registered: SNS cannot list those. */
  registeredCountries: string[];
}

export interface SmsPrice {
  usdPerSegment: number;
  /** Where the price came from, printed with the figure. */
  source: string;
}

/**
 * Not a price list: a deliberately high price per segment for the spend check when no price is set,
 * so the limit it asks for errs on the side of enough. AWS prices by destination country:
 * https://aws.amazon.com/end-user-messaging/pricing/
 */
export const CONSERVATIVE_SMS_PRICE_USD = 0.1;

/** An SMS notice never takes more than two segments (functions/domain/notice.ts caps it), so the spend check counts two. */
export const SMS_SEGMENTS_PER_NOTICE = 2;

/** AWS's monthly SMS spend limit for a new account (https://docs.aws.amazon.com/sns/latest/dg/channels-sms-awssupport-spend-threshold.html). */
export const DEFAULT_SMS_SPEND_LIMIT_USD = 1;

export function emptyCensus(): Census {
  return { profiles: 0, email: 0, sms: 0, smsByCountry: new Map() };
}

/** Counts one profile by the rule the channels use to address it (functions/domain/channels: chose the channel and has the address). */
export function countProfile(census: Census, profile: Pick<CustomerProfile, 'email' | 'phone' | 'channels' | 'country'>): void {
  census.profiles += 1;
  if (profile.channels.includes('email') && profile.email) census.email += 1;
  if (profile.channels.includes('sms') && profile.phone) {
    census.sms += 1;
    census.smsByCountry.set(profile.country, (census.smsByCountry.get(profile.country) ?? 0) + 1);
  }
}

/** Each check's name and what its reads need in IAM (printed when a read is refused). */
export const CHECKS = {
  identity: { name: 'Sender identity', reads: 'ses:GetEmailIdentity' },
  access: { name: 'SES production access', reads: 'ses:GetAccount' },
  quota: { name: 'SES quota for the directory', reads: 'ses:GetAccount, dynamodb:Scan on the customers table' },
  sandbox: { name: 'SNS SMS sandbox', reads: 'sns:GetSMSSandboxAccountStatus' },
  spend: { name: 'SNS monthly SMS spend limit', reads: 'sns:GetSMSAttributes, dynamodb:Scan on the customers table' },
  origination: { name: 'SMS origination identities', reads: 'sns:ListOriginationNumbers, dynamodb:Scan on the customers table' },
  subscriptions: { name: 'Response-team subscriptions', reads: 'sns:ListSubscriptionsByTopic' },
  approvalUrl: { name: 'Approval URL answers', reads: 'network access to the URL' },
  rules: { name: 'EventBridge rules enabled', reads: 'events:DescribeRule (and cloudformation:ListStackResources against AWS)' },
} as const;

const pass = (check: string, detail: string): CheckResult => ({ check, ok: true, detail });
const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, ok: false, detail, fix });
const usd = (n: number) => `USD ${n.toFixed(2)}`;

/**
 * SES sends from an address when the address or its domain is a verified identity; DKIM signs it when
 * the domain's DKIM records are verified (https://docs.aws.amazon.com/ses/latest/dg/creating-identities.html,
 * https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-easy.html).
 */
export async function checkSenderIdentity(senderAddress: string, ses: Pick<SesPort, 'emailIdentity'>): Promise<CheckResult> {
  const check = CHECKS.identity.name;
  const domain = senderAddress.slice(senderAddress.lastIndexOf('@') + 1);
  const [byDomain, byAddress] = await Promise.all([ses.emailIdentity(domain), ses.emailIdentity(senderAddress)]);
  const verified = byDomain?.verifiedForSending ? domain : byAddress?.verifiedForSending ? senderAddress : undefined;
  const dkim = byDomain?.dkimStatus ?? byAddress?.dkimStatus ?? 'NOT_STARTED';
  if (verified && dkim === 'SUCCESS') return pass(check, `${verified} is verified for sending and its DKIM status is SUCCESS`);
  if (!byDomain && !byAddress) {
    return fail(
      check,
      `neither ${domain} nor ${senderAddress} is an SES identity in this account and Region: SES refuses to send from ${senderAddress}`,
      `aws sesv2 create-email-identity --email-identity ${domain}, then publish the three CNAME records of DkimAttributes.Tokens in ${domain}'s DNS (SES console: Identities > Create identity > Domain, Easy DKIM)`,
    );
  }
  return fail(
    check,
    `${verified ? `${verified} is verified for sending` : `${domain} is not verified for sending`}; DKIM status ${dkim}`,
    `publish the DKIM CNAME records of ${domain} (aws sesv2 get-email-identity --email-identity ${domain} --query DkimAttributes.Tokens: <token>._domainkey.${domain} CNAME <token>.dkim.amazonses.com) and wait for status SUCCESS`,
  );
}

/** Out of the sandbox SES sends to any address (https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html). */
export async function checkSesAccess(ses: Pick<SesPort, 'account'>): Promise<CheckResult> {
  const check = CHECKS.access.name;
  const account = await ses.account();
  const problems: string[] = [];
  const fixes: string[] = [];
  if (!account.productionAccess) {
    problems.push('the account is in the SES sandbox: it sends only to verified addresses');
    fixes.push(
      'SES console: Account dashboard > Request production access (or aws sesv2 put-account-details --production-access-enabled --mail-type TRANSACTIONAL --website-url <your site> --use-case-description "<why you send>")',
    );
  }
  if (!account.sendingEnabled) {
    problems.push(`sending is paused for the account (enforcement status ${account.enforcementStatus ?? 'unknown'})`);
    fixes.push(
      "aws sesv2 put-account-sending-attributes --sending-enabled (if SES paused it, resolve the case shown on the SES console's Account dashboard first)",
    );
  }
  if (problems.length === 0) return pass(check, 'production access granted and sending enabled');
  return fail(check, problems.join('; '), fixes.join('; '));
}

/**
 * Hours SES needs to send `count` emails: at most `rate` a second, and at most `daily` in any 24 hours
 * (a rolling window: https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html).
 */
export function hoursToSend(count: number, rate: number, daily: number): number {
  if (count <= 0) return 0;
  if (rate <= 0 || daily <= 0) return Number.POSITIVE_INFINITY;
  const perWindow = Math.min(daily, rate * 86_400);
  const fullWindows = Math.ceil(count / perWindow) - 1;
  return fullWindows * 24 + (count - fullWindows * perWindow) / rate / 3600;
}

function duration(hours: number): string {
  if (!Number.isFinite(hours)) return 'never';
  // Rounded up: a time just past the target must not print as the target.
  return hours < 1 ? `${Math.ceil(hours * 60)} min` : `${(Math.ceil(hours * 10) / 10).toFixed(1)} h`;
}

export async function checkSesQuota(ses: Pick<SesPort, 'account'>, directory: DirectoryPort, reachWithinHours: number): Promise<CheckResult> {
  const check = CHECKS.quota.name;
  const [account, census] = await Promise.all([ses.account(), directory.census()]);
  const hours = hoursToSend(census.email, account.maxSendRate, account.max24HourSend);
  const detail =
    `${census.email} customers with email (counted from the ${census.profiles} profiles in the customers table): ` +
    `${duration(hours)} to reach them all at ${account.maxSendRate}/s and ${account.max24HourSend} per 24 h (target ${reachWithinHours} h; updates, approvals and other mail of this account share the quota)`;
  if (hours <= reachWithinHours) return pass(check, detail);
  const windows = Math.max(1, Math.floor(reachWithinHours / 24));
  const daily = Math.ceil(census.email / windows);
  const rate = Math.ceil(census.email / windows / Math.min(reachWithinHours, 24) / 3600);
  return fail(
    check,
    detail,
    `request a daily sending quota of at least ${daily} and a sending rate of at least ${rate}/s: Service Quotas console > Amazon Simple Email Service > Sending quota / Maximum send rate (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-request-increase.html)`,
  );
}

/** In the SMS sandbox SNS sends only to verified numbers (https://docs.aws.amazon.com/sns/latest/dg/sns-sms-sandbox.html). */
export async function checkSmsSandbox(sms: Pick<SmsPort, 'inSandbox'>): Promise<CheckResult> {
  const check = CHECKS.sandbox.name;
  if (!(await sms.inSandbox())) return pass(check, 'the account is out of the SMS sandbox');
  return fail(
    check,
    'the account is in the SMS sandbox: SNS sends only to verified destination numbers',
    'SNS console: Text messaging (SMS) > Account information > Exit SMS sandbox (a support case; https://docs.aws.amazon.com/sns/latest/dg/sns-sms-sandbox-moving-to-production.html)',
  );
}

/** SNS stops sending SMS for the month once the limit would be passed (https://docs.aws.amazon.com/sns/latest/api/API_SetSMSAttributes.html). */
export async function checkSmsSpend(sms: Pick<SmsPort, 'monthlySpendLimitUsd'>, directory: DirectoryPort, price: SmsPrice): Promise<CheckResult> {
  const check = CHECKS.spend.name;
  const [set, census] = await Promise.all([sms.monthlySpendLimitUsd(), directory.census()]);
  const limit = set ?? DEFAULT_SMS_SPEND_LIMIT_USD;
  // In cents, so a float's tail never asks for a dollar more.
  const cost = Math.round(census.sms * SMS_SEGMENTS_PER_NOTICE * price.usdPerSegment * 100) / 100;
  const detail =
    `one SMS to each of the ${census.sms} SMS customers costs up to ${usd(cost)} (${SMS_SEGMENTS_PER_NOTICE} segments at ${usd(price.usdPerSegment)}, ${price.source}), ` +
    `and every update as much again; MonthlySpendLimit is ${usd(limit)}${set === undefined ? " (not set: AWS's default for a new account)" : ''}`;
  if (cost <= limit) return pass(check, detail);
  const needed = Math.ceil(cost);
  return fail(
    check,
    detail,
    `request an SMS spending quota of at least USD ${needed} a month (Support Center > Create case > Service limit increase > SNS Text Messaging: https://docs.aws.amazon.com/sns/latest/dg/channels-sms-awssupport-spend-threshold.html), then aws sns set-sms-attributes --attributes MonthlySpendLimit=${needed}`,
  );
}

/**
 * Countries AWS documents as needing a registered origination identity before SMS reach them: the
 * United States and Canada take no sender IDs, only registered numbers
 * (https://docs.aws.amazon.com/sms-voice/latest/userguide/sender-id.html,
 * https://docs.aws.amazon.com/sns/latest/dg/channels-sms-awssupport-long-code.html); China needs its
 * SMS template registered (https://docs.aws.amazon.com/sms-voice/latest/userguide/phone-numbers-sms-template-registration.html);
 * the rest have a sender ID registration form (https://docs.aws.amazon.com/sms-voice/latest/userguide/registrations-country.html).
 * Requirements change: AWS's country table is the reference (https://docs.aws.amazon.com/sms-voice/latest/userguide/phone-numbers-sms-by-country.html).
 */
const NUMBER_REQUIRED = {
  needs: 'a registered toll-free number, 10DLC campaign or short code (sender IDs are not supported there)',
  fix: 'request one in the End User Messaging SMS console (Phone numbers > Request originator), complete its registration and add the resource policy that lets SNS use it',
};
const SENDER_ID_REGISTRATION = {
  needs: 'a registered sender ID (AWS has a registration for it) or a dedicated number',
  fix: 'register a sender ID (End User Messaging SMS console > Registrations) or request a number there (Phone numbers > Request originator); then name the country in --registered-countries, as SNS cannot list sender IDs',
};
export const REGISTRATION_REQUIRED: Record<string, { needs: string; fix: string }> = {
  US: NUMBER_REQUIRED,
  CA: NUMBER_REQUIRED,
  CN: {
    needs: 'its SMS template registered with AWS before any SMS is sent',
    fix: 'register the template through an AWS Support case (https://docs.aws.amazon.com/sms-voice/latest/userguide/phone-numbers-sms-template-registration.html), then name CN in --registered-countries',
  },
  ...Object.fromEntries(
    ['AU', 'AT', 'BY', 'EG', 'FI', 'IN', 'ID', 'IE', 'JO', 'KZ', 'KE', 'KW', 'PH', 'QA', 'RU', 'SA', 'SG', 'ES', 'LK', 'TH'].map((c) => [
      c,
      SENDER_ID_REGISTRATION,
    ]),
  ),
};

/**
 * Every country with SMS customers has an active SMS origination number, or a registration SNS cannot
 * list (sender IDs do not appear in ListOriginationNumbers:
 * https://docs.aws.amazon.com/sns/latest/dg/sns-sms-sandbox-verifying-phone-numbers.html), or needs none.
 * Countries are the directory's: a customer's number abroad counts under their directory country.
 */
export async function checkOriginationIdentities(
  sms: Pick<SmsPort, 'originationNumbers'>,
  directory: DirectoryPort,
  registeredCountries: string[],
): Promise<CheckResult> {
  const check = CHECKS.origination.name;
  const [numbers, census] = await Promise.all([sms.originationNumbers(), directory.census()]);
  const active = new Map<string, string>();
  for (const n of numbers) if (n.sms && n.status.toUpperCase() === 'ACTIVE' && !active.has(n.country)) active.set(n.country, n.phoneNumber);
  if (census.smsByCountry.size === 0) return pass(check, 'no customer chose SMS');
  const covered: string[] = [];
  const missing: { country: string; customers: number; needs: string; fix: string }[] = [];
  const shared: string[] = [];
  for (const [country, customers] of [...census.smsByCountry].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    const number = active.get(country);
    if (number) covered.push(`${country} ${customers} (${number})`);
    else if (registeredCountries.includes(country)) covered.push(`${country} ${customers} (registered, as declared)`);
    else if (REGISTRATION_REQUIRED[country]) missing.push({ country, customers, ...REGISTRATION_REQUIRED[country] });
    else shared.push(`${country} ${customers}`);
  }
  const parts = [
    covered.length > 0 ? `covered: ${covered.join(', ')}` : '',
    shared.length > 0 ? `no dedicated identity, none required (SNS sends through a shared one): ${shared.join(', ')}` : '',
    ...missing.map((m) => `${m.country} ${m.customers}: no active SMS number, and it needs ${m.needs}`),
  ].filter(Boolean);
  if (missing.length === 0) return pass(check, parts.join('; '));
  return fail(check, parts.join('; '), missing.map((m) => `${m.country}: ${m.fix}`).join('; '));
}

/** SNS delivers to confirmed subscriptions only; one still pending is listed as "PendingConfirmation" (https://docs.aws.amazon.com/sns/latest/api/API_Subscription.html). */
export async function checkTeamSubscriptions(topics: TopicPort, topicArn: string): Promise<CheckResult> {
  const check = CHECKS.subscriptions.name;
  const subscribers = await topics.subscriptions(topicArn);
  const confirmed = subscribers.filter((s) => s.confirmed);
  const pending = subscribers.filter((s) => !s.confirmed);
  const name = (s: Subscriber) => `${s.protocol}:${s.endpoint}`;
  if (confirmed.length > 0 && pending.length === 0) return pass(check, `${confirmed.length} confirmed: ${confirmed.map(name).join(', ')}`);
  if (subscribers.length === 0) {
    return fail(
      check,
      `nobody is subscribed to ${topicArn}: no page reaches the team`,
      `aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint <team address>, then confirm from the email SNS sends`,
    );
  }
  return fail(
    check,
    `${pending.length} of ${subscribers.length} not confirmed (PendingConfirmation): ${pending.map(name).join(', ')}`,
    `confirm from the message SNS sent each of them; to send it again: aws sns subscribe --topic-arn ${topicArn} --protocol <protocol> --notification-endpoint <endpoint>`,
  );
}

export async function checkApprovalUrl(http: HttpPort, approvalBaseUrl: string): Promise<CheckResult> {
  const check = CHECKS.approvalUrl.name;
  const answer = await http.get(approvalBaseUrl);
  if ('status' in answer) return pass(check, `GET ${approvalBaseUrl} answered HTTP ${answer.status}`);
  return fail(
    check,
    `GET ${approvalBaseUrl} got no answer: ${answer.error}`,
    'check the approvalBaseUrl setting and the stack output ApprovalBaseUrl: its DNS name must resolve to the HTTP API (a custom domain needs its API mapping), and the URL must be reachable from where approvers open their email',
  );
}

export async function checkRules(rules: RulesPort): Promise<CheckResult> {
  const check = CHECKS.rules.name;
  const states = await rules.states();
  if (states.length === 0)
    return fail(
      check,
      'the stack has no EventBridge rules: no alarm reaches the intake',
      'deploy the stack (npx cdk deploy) and run preflight with its name (--stack)',
    );
  const off = states.filter((r) => r.state !== 'ENABLED');
  if (off.length === 0) return pass(check, `${states.length} enabled: ${states.map((r) => r.name).join(', ')}`);
  return fail(
    check,
    `${off.map((r) => `${r.name} is ${r.state}`).join(', ')}: their events start nothing`,
    off.map((r) => `aws events enable-rule --name ${r.name}`).join('; '),
  );
}

/** Every check, each on its own: one that cannot read what it needs fails with the reason, the others still run. */
export async function runPreflight(ports: PreflightPorts, settings: PreflightSettings): Promise<CheckResult[]> {
  let census: Promise<Census> | undefined;
  const directory: DirectoryPort = { census: () => (census ??= ports.directory.census()) };
  const checks: [keyof typeof CHECKS, () => Promise<CheckResult>][] = [
    ['identity', () => checkSenderIdentity(settings.senderAddress, ports.ses)],
    ['access', () => checkSesAccess(ports.ses)],
    ['quota', () => checkSesQuota(ports.ses, directory, settings.reachWithinHours)],
    ['sandbox', () => checkSmsSandbox(ports.sms)],
    ['spend', () => checkSmsSpend(ports.sms, directory, settings.smsPrice)],
    ['origination', () => checkOriginationIdentities(ports.sms, directory, settings.registeredCountries)],
    ['subscriptions', () => checkTeamSubscriptions(ports.topics, settings.responseTeamTopicArn)],
    ['approvalUrl', () => checkApprovalUrl(ports.http, settings.approvalBaseUrl)],
    ['rules', () => checkRules(ports.rules)],
  ];
  return Promise.all(
    checks.map(([key, run]) =>
      run().catch((error: unknown) =>
        fail(
          CHECKS[key].name,
          `could not check: ${(error as Error).name}: ${(error as Error).message}`,
          `run with credentials allowed ${CHECKS[key].reads}, in the stack's Region (AWS_REGION)`,
        ),
      ),
    ),
  );
}

/** One line per check, its fix under a failure, and the count. */
export function formatResults(results: CheckResult[]): string {
  const lines = results.flatMap((r) => [`${r.ok ? 'PASS' : 'FAIL'}  ${r.check}: ${r.detail}`, ...(r.fix ? [`      fix: ${r.fix}`] : [])]);
  const failed = results.filter((r) => !r.ok).length;
  return [...lines, failed === 0 ? `all ${results.length} checks passed` : `${failed} of ${results.length} checks failed`].join('\n');
}
