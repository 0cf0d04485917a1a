import { createWriteStream, readFileSync, renameSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { SnsMessaging } from '../../functions/adapters/messaging.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import { StepFunctionsCallbacks } from '../../functions/adapters/workflow.js';
import { deliveryCategories, NoticeReconciler, reconciliationCsv, type NoticeReconciliation } from '../../functions/domain/delivery.js';
import { incidentIdSchema } from '../../functions/domain/incident.js';
import { EVIDENCE_CHANNELS } from '../../functions/domain/delivery-evidence.js';
import { evidenceFigures } from '../../functions/domain/reputation.js';
import { systemClock } from '../../functions/shared/clock.js';
import { parseConfig } from '../../functions/shared/config.js';
import { pick } from '../../functions/shared/environment.js';
import { FactsVersionConflictError, IncidentClosedError, IncidentNotFoundError, NoticeNotFoundError } from '../../functions/shared/errors.js';
import { ZodError } from 'zod';
import { unreachableCustomers } from '../../functions/steps/unreachable-customers.js';
import { editFacts } from '../../functions/steps/edit-facts.js';
import { closeIncidentNow, decideScope, requestRedraft, type TeamActionResult, type TeamDecisionDeps } from '../../functions/steps/team-decisions.js';
import { describeResume, resumeSending } from '../../functions/steps/resume-sending.js';
import { parseIdList, parseScopeFlags } from './scope-flags.js';
import { applyEditFlags, parseEditFlags, parseFactsFlags, UsageError } from './facts-flags.js';
import { REGULATOR_COMMANDS, REGULATOR_USAGE, runRegulatorCommand } from './regulator-commands.js';
import { QUESTION_COMMANDS, QUESTION_USAGE, runQuestionCommand, type OperatorApiAccess } from './question-commands.js';

/**
 * `npm run incident -- note | close | show | deliveries | facts | edit | resume-sending INCIDENT_ID ...`, as OPERATOR
 * (env, default $USER). Notes go into the next update; a closed incident gets its final report at
 * the next update time; `deliveries` prints each notice's totals per channel and the ids of the
 * customers whose delivery is UNCERTAIN, to reconcile with the provider's records, and the email evidence
 * with its bounce and complaint rates; with a notice, its
 * reconciliation per channel (intended = sent + suppressed + failed + uncertain + unfinished, exit 1
 * when it does not hold) and with --csv one row per intended recipient and channel. `edit` saves a new
 * version of the team's facts for the notices (one locale by flags, or whole locales from a JSON
 * file), refused when someone saved since it read them; a notice waiting for approval is then
 * redrafted and approvers asked again. `facts` prints a version as JSON. Against the twin by default;
 * AWS_ENDPOINT_URL=, INCIDENTS_TABLE, DELIVERIES_TABLE, RESPONSE_TEAM_TOPIC_ARN and LOCALES for AWS.
 */
const [command, rawId, ...rest] = process.argv.slice(2);
const usage = [
  'usage: npm run incident -- note INCIDENT_ID "text" | close INCIDENT_ID [REASON] | show INCIDENT_ID | deliveries INCIDENT_ID [NOTICE_ID [--csv FILE]]',
  '         | scope INCIDENT_ID --all | --alarm | --resources ARN,... | --ids FILE | --none  [--country DE,FR] [--category email,...] [--add | --remove] --reason TEXT',
  '         | redraft INCIDENT_ID        (draft a rejected notice again as the facts stand)',
  '         | resume-sending INCIDENT_ID NOTICE_ID   (send a notice the reputation guard paused despite its bounce or complaint rates)',
  '         | facts INCIDENT_ID [--version N]',
  REGULATOR_USAGE,
  QUESTION_USAGE,
  '         | edit INCIDENT_ID --locale LOCALE [--what TEXT] [--cause TEXT] [--measure TEXT]... [--advice TEXT]... [--remedy TEXT]...',
  '                                            [--confirm passwords-reset|api-keys-disabled|cards-replaced]... [--clear what|cause|measures|advice|remedies|confirmed]...',
  '         | edit INCIDENT_ID --file FACTS.json      (a JSON object { "<locale>": { whatHappened, cause, measures, advice, remedies, confirmedActions } })',
  'A list flag given at all replaces that whole list; locales not named keep their facts.',
  'deliveries without a notice: a JSON line per notice and channel, with the email evidence (accepted, delivered, bounced, complained, ...) and its rates;',
  'deliveries with a notice: per channel, intended = sent + suppressed + failed + uncertain + unfinished (retryable or no answer yet);',
  '  --csv FILE writes one row per intended recipient and channel: customer_id, channel, category, status, reason,',
  '  provider_message_id, attempt, at. Customer ids only: names, addresses and numbers stay in the customers table.',
].join('\n');

/** The team's commands (scope, redraft, close) through the same step the console and the operator API call. */
function teamDeps(): TeamDecisionDeps {
  const messaging = new SnsMessaging(new SNSClient(clientOptions));
  const topicArn = process.env.RESPONSE_TEAM_TOPIC_ARN ?? `arn:aws:sns:${region}:000000000000:breach-notice-response-team`;
  return {
    ...stores,
    workflow: new StepFunctionsCallbacks(new SFNClient(clientOptions)),
    alertTeam: async (event, subject, message) => {
      await messaging.publish(topicArn, subject, message, { event });
    },
  };
}

function reportTeamAction(result: TeamActionResult): void {
  if (result.supersededRequests > 0)
    console.log(`${result.supersededRequests} pending approval request(s) taken back: the notice is drafted again and approvers asked again`);
  console.log(
    result.resumed.length > 0
      ? `the workflow resumed (${result.resumed.join(', ')})`
      : 'no wait of the workflow resumed now (it picks this up when it next looks, at the latest at its next reminder)',
  );
}

function fail(message: string, code = 2): never {
  console.error(code === 2 ? `${message}\n${usage}` : message);
  process.exit(code);
}

const id = incidentIdSchema.safeParse(rawId);
if (!command || !id.success) fail(id.success ? 'no command given' : `not an incident id: ${JSON.stringify(rawId ?? '')}`);
const incidentId = id.data;
const endpoint = process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${process.env.BREACH_NOTICE_PORT ?? 4566}`;
const region = process.env.AWS_REGION ?? 'us-east-1';
const clientOptions = { ...(endpoint !== '' ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}), region };
// Facts are written through this client: an optional field left out must not fail the write.
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions), { marshallOptions: { removeUndefinedValues: true } });
const stores = incidentStores(doc, process.env.INCIDENTS_TABLE ?? 'breach-notice-incidents', systemClock);
const deliveriesTable = process.env.DELIVERIES_TABLE ?? 'breach-notice-deliveries';
const operator = process.env.OPERATOR ?? process.env.USER ?? 'operator';

/**
 * The operator API, for what its function decides with the deployment's settings (answers): the twin's
 * edge, where the access key id names the operator (local/twin/http-api.ts); in AWS the stack's
 * ApprovalBaseUrl (OPERATOR_API_URL) with the caller's own credentials.
 */
function operatorApiAccess(): OperatorApiAccess | undefined {
  if (process.env.OPERATOR_API_URL) return { url: process.env.OPERATOR_API_URL, region, credentials: defaultProvider() };
  if (endpoint === '') return undefined;
  return { url: endpoint, region, credentials: { accessKeyId: operator.replace(/[^A-Za-z0-9+=,.@_-]/g, '_').slice(0, 64), secretAccessKey: 'local' } };
}

try {
  if (command === 'note' && rest.join(' ').trim()) {
    await stores.incidents.addProgressNote(incidentId, operator, rest.join(' ').trim());
    console.log(
      `note added to ${incidentId}: on the timeline and shown to approvers, never to customers (their notices say what the facts say: npm run incident -- edit)`,
    );
  } else if (command === 'close') {
    const reason = rest.join(' ').trim();
    const result = await closeIncidentNow({ incidentId, author: operator, ...(reason ? { reason } : {}) }, teamDeps());
    console.log(
      `${incidentId} closed by ${operator}: the closing notice is drafted now (approved like any other; none when no notice went out), then the final report`,
    );
    reportTeamAction(result);
  } else if (command === 'scope') {
    const flags = parseScopeFlags(rest);
    let customerIds: string[] = [];
    if (flags.idsFile) {
      try {
        customerIds = parseIdList(readFileSync(flags.idsFile, 'utf8'));
      } catch (error) {
        throw new UsageError(`cannot read ${flags.idsFile}: ${(error as Error).message}`);
      }
    }
    const { idsFile: _file, ...request } = flags;
    const result = await decideScope({ incidentId, author: operator, request: { ...request, customerIds } }, teamDeps());
    console.log(`scope decision ${result.version} of ${incidentId} by ${operator}: ${result.summary}`);
    reportTeamAction(result);
  } else if (command === 'redraft') {
    const result = await requestRedraft({ incidentId, author: operator }, teamDeps());
    console.log(`${result.noticeId} of ${incidentId} is drafted again as the facts stand, then approvers are asked again`);
    reportTeamAction(result);
  } else if (command === 'resume-sending' && rest.length === 1) {
    const result = await resumeSending(
      { incidentId, noticeId: rest[0]!, author: operator },
      { ...stores, evidence: new EvidenceStore(doc, deliveriesTable, systemClock), clock: systemClock },
    );
    if (result.outcome === 'not-sending') fail(describeResume(rest[0]!, result), 1);
    console.log(describeResume(rest[0]!, result));
  } else if (command === 'show') {
    const incident = await stores.incidents.getIncident(incidentId);
    console.log(JSON.stringify({ ...incident, timeline: await stores.incidents.listTimeline(incidentId) }, null, 2));
  } else if (command === 'deliveries' && rest.length > 0) {
    const [noticeId, flag, file, ...extra] = rest;
    if ((flag !== undefined && (flag !== '--csv' || !file)) || extra.length > 0)
      fail(`deliveries takes a notice id and optionally --csv FILE, not: ${rest.slice(1).join(' ')}`);
    const notices = await stores.notices.listNotices(incidentId);
    const notice = notices.find((n) => n.noticeId === noticeId);
    if (!notice) fail(`${incidentId} has no notice ${JSON.stringify(noticeId)}; it has: ${notices.map((n) => n.noticeId).join(', ') || 'none'}`, 1);
    const ledger = new DeliveriesLedger(doc, deliveriesTable, systemClock, 1);
    const reconciler = new NoticeReconciler();
    const calls = ledger.recipientOutcomes(notice);
    if (file) {
      // Written aside and renamed when whole: a failed read never leaves a CSV that looks complete.
      await pipeline(Readable.from(reconciliationCsv(calls, reconciler)), createWriteStream(`${file}.partial`));
      renameSync(`${file}.partial`, file);
    } else {
      for await (const call of calls) reconciler.add(call);
    }
    const result = reconciler.result();
    printReconciliation(notice.noticeId, result, (await stores.incidents.getIncident(incidentId)).audienceChunks ?? 0);
    if (file) console.log(`CSV: ${file} (${Object.values(result.channels).reduce((n, f) => n + f.intended, 0)} rows and a header; customer ids only)`);
    if (result.problems.length > 0) {
      console.error(`THE FIGURES OF ${notice.noticeId} DO NOT RECONCILE:\n${result.problems.map((p) => `  ${p}`).join('\n')}`);
      process.exitCode = 1;
    }
  } else if (command === 'deliveries') {
    const ledger = new DeliveriesLedger(doc, deliveriesTable, systemClock, 1);
    const evidence = new EvidenceStore(doc, deliveriesTable, systemClock);
    const list = (await stores.notices.listNotices(incidentId)).sort((a, b) => a.sequence - b.sequence);
    for (const notice of list) {
      const ref = { incidentId, noticeId: notice.noticeId };
      const uncertain = await ledger.uncertainRecipients(ref);
      const totals = await ledger.noticeTotals(ref);
      // A notice being sent or sent has a line per evidence channel, recorded calls or not: its rates are what the guard judges.
      const sending = notice.status === 'APPROVED' || notice.status === 'SENT';
      const channels = new Set([...Object.keys(totals), ...(sending ? EVIDENCE_CHANNELS : [])]);
      for (const channel of channels) {
        const withEvidence = EVIDENCE_CHANNELS.includes(channel) ? { evidence: evidenceFigures(await evidence.counts(ref, channel)) } : {};
        console.log(
          JSON.stringify({
            noticeId: notice.noticeId,
            channel,
            ...(totals[channel] ?? { sent: 0, failed: 0, retryable: 0, uncertain: 0, calls: 0, unfinished: 0 }),
            uncertainCustomerIds: uncertain[channel] ?? [],
            ...withEvidence,
            ...(notice.sendingResumed && EVIDENCE_CHANNELS.includes(channel) ? { sendingResumed: notice.sendingResumed } : {}),
          }),
        );
      }
      // Who no channel reached (a bounce and nothing else SENT): the team calls or writes to them.
      const unreachable = await unreachableCustomers(ref, { evidence, ledger });
      if (unreachable.length > 0) console.log(JSON.stringify({ noticeId: notice.noticeId, unreachableCustomers: unreachable }));
    }
  } else if (command === 'facts') {
    const { version } = parseFactsFlags(rest);
    const found = version === undefined ? await stores.facts.latestFacts(incidentId) : await stores.facts.getFacts(incidentId, version);
    if (!found)
      fail(
        version === undefined ? `${incidentId} has no facts yet: npm run incident -- edit ${incidentId} ...` : `${incidentId} has no facts version ${version}`,
        1,
      );
    console.log(JSON.stringify(found, null, 2));
  } else if (command === 'edit') {
    const flags = parseEditFlags(rest);
    let fileText: string | undefined;
    if (flags.kind === 'file') {
      try {
        fileText = readFileSync(flags.path, 'utf8');
      } catch (error) {
        throw new UsageError(`cannot read ${flags.path}: ${(error as Error).message}`);
      }
    }
    const { LOCALES } = parseConfig(pick('LOCALES'));
    const latest = await stores.facts.latestFacts(incidentId);
    const locales = applyEditFlags(flags, latest, fileText);
    const messaging = new SnsMessaging(new SNSClient(clientOptions));
    // The twin's topic unless told otherwise, as the table names above.
    const topicArn = process.env.RESPONSE_TEAM_TOPIC_ARN ?? `arn:aws:sns:${region}:000000000000:breach-notice-response-team`;
    const result = await editFacts(
      { incidentId, author: operator, locales, expectedVersion: latest?.version ?? 0 },
      {
        ...stores,
        workflow: new StepFunctionsCallbacks(new SFNClient(clientOptions)),
        alertTeam: async (event, subject, message) => {
          await messaging.publish(topicArn, subject, message, { event });
        },
        locales: LOCALES,
      },
    );
    console.log(`facts of ${incidentId} saved as version ${result.version} by ${operator}`);
    if (result.supersededRequests > 0) {
      console.log(
        `${result.supersededRequests} pending approval request(s) taken back (${result.deliveredNow} told the workflow at once): the notice is redrafted and approvers are asked again`,
      );
    }
    for (const gap of result.gaps) console.log(`gap between locales: ${gap}`);
  } else if (QUESTION_COMMANDS.has(command)) {
    await runQuestionCommand(command, incidentId, rest, {
      doc,
      table: process.env.INCIDENTS_TABLE ?? 'breach-notice-incidents',
      operatorApi: operatorApiAccess(),
    });
  } else if (REGULATOR_COMMANDS.has(command)) {
    await runRegulatorCommand(command, incidentId, rest, { stores, operator, now: () => systemClock.now() });
  } else {
    fail(`unknown command or missing argument: ${command}`);
  }
} catch (error) {
  if (error instanceof UsageError) fail(error.message);
  if (
    error instanceof FactsVersionConflictError ||
    error instanceof IncidentNotFoundError ||
    error instanceof IncidentClosedError ||
    error instanceof NoticeNotFoundError
  )
    fail(error.message, 1);
  if (error instanceof ZodError) fail(`invalid scope decision: ${error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`, 1);
  throw error;
}

/** The reconciliation table of one notice, a row per channel. */
function printReconciliation(noticeId: string, result: NoticeReconciliation, audienceChunks: number): void {
  const columns = ['intended', ...deliveryCategories] as const;
  const unplanned = audienceChunks - result.plannedChunks;
  console.log(
    `${incidentId} ${noticeId}: ${result.plannedChunks} of ${audienceChunks} audience chunks planned${unplanned > 0 ? ' (customers of the others are not counted as intended yet)' : ''}`,
  );
  console.log(['channel'.padEnd(12), ...columns.map((c) => c.padStart(11))].join(''));
  for (const [channel, figures] of Object.entries(result.channels))
    console.log([channel.padEnd(12), ...columns.map((c) => String(figures[c]).padStart(11))].join(''));
  if (result.problems.length === 0)
    console.log('intended = sent + suppressed + failed + uncertain + unfinished on every channel; settled provider calls agree with their recipients');
}
