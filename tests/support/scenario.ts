import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import type { CustomerProfile } from '../../functions/domain/customer.js';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import type { ApprovalStore } from '../../functions/adapters/approval-store.js';
import type { IncidentStore } from '../../functions/adapters/incident-store.js';
import type { NoticeStore } from '../../functions/adapters/notice-store.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import type { FactsStore } from '../../functions/adapters/facts-store.js';
import type { TeamStore } from '../../functions/adapters/team-store.js';
import type { TeamWaitKind } from '../../functions/domain/ports.js';
import type { ObligationStore } from '../../functions/adapters/obligation-store.js';
import { closeIncidentNow, decideScope, requestRedraft } from '../../functions/steps/team-decisions.js';
import { StepFunctionsCallbacks } from '../../functions/adapters/workflow.js';
import { executionArnFor, parseExecutionName } from '../../functions/domain/executions.js';
import type { FactsByLocale } from '../../functions/domain/facts.js';
import { editFacts, type EditDeps, type EditResult } from '../../functions/steps/edit-facts.js';
import { systemClock } from '../../functions/shared/clock.js';
import type { AppConfig } from '../../infra/config.js';
import { invokeHttpApi, lambdaContext } from '../../local/twin/http-api.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { startLocalSystem, type LocalSystem, type LocalSystemOptions } from '../../local/twin/system.js';
import type { Execution, ExecutionStatus } from '../../local/twin/workflow-engine.js';
import { formToken } from '../../local/tools/approval-client.js';
import { approvalFor, endpoints, until } from './local.js';

export interface Scenario {
  system: LocalSystem;
  config: AppConfig;
  prefix: string;
  incidents: IncidentStore;
  notices: NoticeStore;
  approvals: ApprovalStore;
  facts: FactsStore;
  team: TeamStore;
  obligations: ObligationStore;
  customers: CustomersRepository;
  ledger: DeliveriesLedger;
  doc: DynamoDBDocumentClient;
}

export async function startScenario(prefix: string, config: AppConfig, extra: Partial<LocalSystemOptions> = {}): Promise<Scenario> {
  const system = await startLocalSystem({
    endpoints: endpoints(),
    config,
    namePrefix: prefix,
    approvalBaseUrl: 'https://approvals.example.com',
    waitTimeOverrides: { 'Wait until next update': 0, 'Wait to resume sending notices': 50, 'Wait to resume sending update': 50 },
    retryIntervalOverrides: { 'Send notices: slice': 10, 'Send update: slice': 10 },
    ...extra,
    // SES's events reach the twin's evidence within moments: a lost call's recipients are settled seconds after it, not minutes.
    envOverrides: { EVIDENCE_WINDOW_SECONDS: '5', ...extra.envOverrides },
    // So the evidence queue hands each event over at once instead of gathering for 2 s, a good part of that 5 s window.
    transformStack: (stack) => {
      for (const r of Object.values(stack.resources))
        if (r.Type === 'AWS::Lambda::EventSourceMapping') r.Properties = { ...r.Properties, MaximumBatchingWindowInSeconds: 0 };
      extra.transformStack?.(stack);
    },
  });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: endpoints().dynamodb, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    system,
    config,
    prefix,
    doc,
    ...incidentStores(doc, system.tables.incidents, systemClock),
    customers: new CustomersRepository(doc, system.tables.customers),
    ledger: new DeliveriesLedger(doc, system.tables.deliveries, systemClock, 900),
  };
}

/** Five digits from the prefix, so phone numbers stay unique across test files sharing the SNS recorder. */
export function phoneSalt(prefix: string): string {
  return String(parseInt(createHash('sha256').update(prefix).digest('hex').slice(0, 8), 16) % 100_000).padStart(5, '0');
}

/** A deterministic directory: `count` customers on `resource`, alternating locales, every third with SMS. */
export function makeCustomers(
  prefix: string,
  resource: string,
  count: number,
  offset = 0,
): { profile: CustomerProfile; resources: { resource: string; dataCategories: string[] }[] }[] {
  return Array.from({ length: count }, (_, n) => {
    const i = n + offset;
    const zh = i % 2 === 1;
    const sms = i % 3 === 0;
    return {
      profile: {
        customerId: `cust-${prefix}-${String(i).padStart(5, '0')}`,
        name: zh ? `王${i}` : `Customer ${i}`,
        email: `c${i}.${prefix}@example.com`,
        phone: sms ? `+4477${phoneSalt(prefix)}${String(i).padStart(5, '0')}` : undefined,
        locale: zh ? 'zh-CN' : 'en-GB',
        country: zh ? 'CN' : i % 4 === 0 ? 'DE' : 'GB',
        channels: sms ? ['email', 'sms'] : ['email'],
      },
      resources: [{ resource, dataCategories: i % 5 === 0 ? ['email', 'password'] : ['email', 'name', 'address'] }],
    };
  });
}

export async function sendAlarm(
  s: Scenario,
  event: unknown,
): Promise<{ outcome: string; incidents?: { incidentId: string; outcome: string }[]; error?: string }> {
  return (await s.system.intake(event, lambdaContext('breach-notice-intake'))) as never;
}

/** Every execution of the incident, oldest first: the one intake started, then each continuation (`<incidentId>--<n>`). */
export function executionsOf(s: Scenario, incidentId: string): Execution[] {
  return [...s.system.workflow.executions.values()]
    .map((e) => ({ e, name: parseExecutionName(e.name) }))
    .filter(({ name }) => name?.incidentId === incidentId)
    .sort((a, b) => a.name!.sequence - b.name!.sequence)
    .map(({ e }) => e);
}

/** The incident's current execution: the latest one (a continuation starts before the execution it continues ends). */
export const executionArnOf = (s: Scenario, incidentId: string) =>
  executionsOf(s, incidentId).at(-1)?.executionArn ?? executionArnFor(s.system.workflow.stateMachineArn, incidentId);

export async function waitForStatus(s: Scenario, incidentId: string, statuses: ExecutionStatus[]): Promise<ExecutionStatus> {
  return until(
    async () => {
      const e = s.system.workflow.executions.get(executionArnOf(s, incidentId));
      return e && statuses.includes(e.status) ? e.status : undefined;
    },
    `execution ${incidentId} to reach ${statuses.join('/')}`,
  );
}

/** Waits until the workflow is parked in `state` (the last entered state). */
export async function waitForState(s: Scenario, incidentId: string, state: string, timeoutMs?: number): Promise<void> {
  await until(
    async () => {
      const e = s.system.workflow.executions.get(executionArnOf(s, incidentId));
      const entered = e?.events.filter((ev) => ev.type === 'StateEntered');
      // The path it took says why: the last states it entered.
      if (e && e.status !== 'RUNNING')
        throw new Error(
          `Execution ended ${e.status} (${e.error}: ${e.cause}) while waiting for ${state}; last states: ${entered
            ?.slice(-12)
            .map((ev) => ev.stateName)
            .join(' > ')}`,
        );
      return entered?.at(-1)?.stateName === state;
    },
    `state ${state}`,
    timeoutMs,
  );
}

/**
 * The current execution waits on the team in `state` and its wait is stored with the task's token: not an
 * earlier execution's or cycle's wait of the same kind, which stays stored after its task timed out.
 * Entering the state comes before the function stores the token, so a team action sent in between is
 * seen by the wait itself, not resumed by the action.
 */
export async function waitForTeamWait(s: Scenario, incidentId: string, state: string, kind: TeamWaitKind): Promise<void> {
  await waitForState(s, incidentId, state);
  const entered = s.system.workflow.executions
    .get(executionArnOf(s, incidentId))!
    .events.filter((ev) => ev.type === 'StateEntered' && ev.stateName === state)
    .at(-1)!.timestamp;
  await until(async () => {
    const wait = await s.team.getWait(incidentId, kind);
    return wait && Date.parse(wait.since) >= entered ? wait : undefined;
  }, `the ${kind} wait of ${state} keeping its token`);
}

/** GETs the page for its CSRF cookie and token, then POSTs `fields` with them (override any to misbehave). */
export async function submit(s: Scenario, linkId: string, fields: Record<string, string>, opts: { userAgent?: string; withCsrf?: boolean } = {}) {
  const headers = { 'user-agent': opts.userAgent ?? 'vitest' };
  const view = await invokeHttpApi(s.system.approvalPage, { method: 'GET', path: `/approvals/${linkId}`, headers });
  const withCsrf = opts.withCsrf ?? true;
  const cookie = withCsrf ? (view.cookies ?? []).map((c) => c.split(';')[0]).join('; ') : '';
  const csrf = withCsrf ? formToken(view.body ?? '') : '';
  const out = await invokeHttpApi(s.system.approvalPage, {
    method: 'POST',
    path: `/approvals/${linkId}`,
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams({ csrf, ...fields }).toString(),
  });
  return { view, out };
}

/** Opens the approver's `nth` link, types the emailed code and submits `decision`, as a person would. */
export async function decide(s: Scenario, approver: string, decision: 'approve' | 'reject', nth = 1, reason = '') {
  const { linkId, code } = await approvalFor(approver, nth);
  const { view, out } = await submit(s, linkId, { decision, reason, code });
  expect(view.statusCode).toBe(200);
  return out;
}

/** The edit operation as the CLI and the console run it: real stores, callbacks through the twin's Step Functions endpoint. */
export function editDeps(s: Scenario): EditDeps {
  return {
    incidents: s.incidents,
    notices: s.notices,
    facts: s.facts,
    team: s.team,
    approvals: s.approvals,
    workflow: new StepFunctionsCallbacks(new SFNClient({ endpoint: s.system.sfnUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS })),
    alertTeam: async () => undefined,
    locales: s.config.locales,
  };
}

/** The team's decisions (scope, close, redraft) as the console, the CLI and the operator API run them. */
export function teamActions(s: Scenario) {
  const deps = { ...editDeps(s), incidents: s.incidents, notices: s.notices, approvals: s.approvals, team: s.team };
  return {
    listScopeDecisions: (incidentId: string) => s.team.listScopeDecisions(incidentId),
    decideScope: (input: { incidentId: string; author: string; request: unknown }) => decideScope(input, deps),
    close: (input: { incidentId: string; author: string; reason?: string }) => closeIncidentNow(input, deps),
    redraft: (input: { incidentId: string; author: string }) => requestRedraft(input, deps),
  };
}

/** Saves the team's facts on top of the latest version, as a person at the console would. */
export async function writeFacts(s: Scenario, incidentId: string, locales: FactsByLocale, author = 'lead@example.com'): Promise<EditResult> {
  const latest = await s.facts.latestFacts(incidentId);
  return editFacts({ incidentId, author, locales, expectedVersion: latest?.version ?? 0 }, editDeps(s));
}
