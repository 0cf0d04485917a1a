import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CONTEXT_PREFIX, parseAppConfig } from '../../infra/config.js';
import { awsClients, awsPorts, deployedStack, twinStack } from './preflight-aws.js';
import { CONSERVATIVE_SMS_PRICE_USD, formatResults, runPreflight, type SmsPrice } from './preflight-checks.js';

/**
 * `npm run preflight`: checks what sending needs before the first incident (local/tools/preflight-checks.ts)
 * and exits 1 when anything fails. Against AWS by default: the stack's outputs and rules through
 * CloudFormation, with the caller's credentials and Region. With AWS_ENDPOINT_URL (and no --stack),
 * against the twin that `npm start` runs there.
 */
const usage = [
  'usage: npm run preflight -- [--stack NAME] [--sender ADDRESS] [--sms-price USD] [--registered-countries CN,SG,...]',
  '                            [--reach-within-hours HOURS] [--approval-url URL]',
  '  --stack                 the deployed stack (default: BREACH_NOTICE_STACK, else BreachNotice), in AWS_REGION',
  "  --sender                the sender address (default: cdk.json's breach-notice:senderAddress, as deployed)",
  "  --sms-price             USD per SMS segment for the spend check (default: cdk.json's smsPricePerSegment if set in USD,",
  `                          else a conservative USD ${CONSERVATIVE_SMS_PRICE_USD.toFixed(2)})`,
  "  --registered-countries  countries where a sender ID or China's SMS template is registered (SNS cannot list them)",
  '  --reach-within-hours    the time every customer with email must be reachable in under the SES quota (default 24)',
  '  --approval-url          the approval URL to probe (default: the stack output ApprovalBaseUrl)',
  'Against the twin: AWS_ENDPOINT_URL=http://127.0.0.1:4566 npm run preflight',
].join('\n');

function usageError(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        stack: { type: 'string' },
        sender: { type: 'string' },
        'sms-price': { type: 'string' },
        'registered-countries': { type: 'string' },
        'reach-within-hours': { type: 'string' },
        'approval-url': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    usageError((error as Error).message);
  }
}
const values = parse();
if (values.help) {
  console.log(usage);
  process.exit(0);
}

// The settings `cdk deploy` read (infra/app.ts reads the same context keys).
const context = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
const config = parseAppConfig((key) => context[key]);

function smsPrice(): SmsPrice {
  const option = values['sms-price'];
  if (option !== undefined) {
    const usd = Number(option);
    if (!(usd >= 0)) usageError(`--sms-price must be an amount in USD, got ${option}`);
    return { usdPerSegment: usd, source: 'from --sms-price' };
  }
  if (context[`${CONTEXT_PREFIX}smsPricePerSegment`] !== undefined && config.smsPriceCurrency === 'USD') {
    return { usdPerSegment: config.smsPricePerSegment, source: 'the smsPricePerSegment setting' };
  }
  return { usdPerSegment: CONSERVATIVE_SMS_PRICE_USD, source: "a conservative default: give your countries' price with --sms-price" };
}

const reachWithinHours = Number(values['reach-within-hours'] ?? 24);
if (!(reachWithinHours > 0)) usageError(`--reach-within-hours must be a number of hours, got ${values['reach-within-hours']}`);
const registeredCountries = (values['registered-countries'] ?? '')
  .split(',')
  .map((c) => c.trim().toUpperCase())
  .filter(Boolean);
if (registeredCountries.some((c) => !/^[A-Z]{2}$/.test(c)))
  usageError(`--registered-countries takes ISO 3166 codes such as CN,SG, got ${values['registered-countries']}`);

const endpoint = process.env.AWS_ENDPOINT_URL || undefined;
const stackName = values.stack ?? process.env.BREACH_NOTICE_STACK;
const twinUrl = stackName === undefined ? endpoint : undefined;
// The twin takes any credentials; the SDK would otherwise look for an instance role off loopback.
const clients = awsClients(
  endpoint
    ? {
        region: process.env.AWS_REGION ?? 'us-east-1',
        ...(process.env.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      }
    : {},
);
try {
  const stack = twinUrl ? twinStack(twinUrl, clients.events) : await deployedStack(clients.cloudFormation, stackName ?? 'BreachNotice');
  const results = await runPreflight(awsPorts(clients, stack), {
    senderAddress: values.sender ?? config.senderAddress,
    responseTeamTopicArn: stack.responseTeamTopicArn,
    approvalBaseUrl: values['approval-url'] ?? stack.approvalBaseUrl,
    reachWithinHours,
    smsPrice: smsPrice(),
    registeredCountries,
  });
  console.log(`preflight against ${twinUrl ? `the twin at ${twinUrl}` : `stack ${stackName ?? 'BreachNotice'}`}`);
  console.log(formatResults(results));
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
} catch (error) {
  console.error(`preflight could not read the stack: ${(error as Error).name}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  for (const client of Object.values(clients)) client.destroy();
}
