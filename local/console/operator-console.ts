import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { deliveryCategories, NoticeReconciler, reconcile, reconciliationCsv, type NoticeRef } from '../../functions/domain/delivery.js';
import {
  confirmedActionKinds,
  factsFor,
  factsGaps,
  noticeFactsSchema,
  type ConfirmedAction,
  type FactsVersion,
  type NoticeFacts,
} from '../../functions/domain/facts.js';
import type { Locale } from '../../functions/domain/locales.js';
import type {
  ApprovalStorePort,
  DeliveryLedgerPort,
  EvidenceStorePort,
  FactsStorePort,
  IncidentStorePort,
  NoticeStorePort,
  ResumeSendingOutcome,
} from '../../functions/domain/ports.js';
import { anyEvidence, evidenceFigures, percent, REPUTATION_CHANNEL, type EvidenceFigures } from '../../functions/domain/reputation.js';
import { escapeHtml } from '../../functions/domain/preview.js';
import type { Incident, Notice, TimelineEntry } from '../../functions/domain/incident.js';
import { describeScope, type ScopeDecision } from '../../functions/domain/scope.js';
import { parseExecutionName } from '../../functions/domain/executions.js';
import { FactsVersionConflictError, IncidentClosedError, NoticeNotFoundError } from '../../functions/shared/errors.js';
import type { EditInput, EditResult } from '../../functions/steps/edit-facts.js';
import type { TeamActionResult } from '../../functions/steps/team-decisions.js';
import { ZodError } from 'zod';
import type { Execution, LocalWorkflow } from '../twin/workflow-engine.js';
import { isLoopbackHost } from '../twin/http-util.js';
import { alarmsSection, dashboardSection } from './dashboard-section.js';
import type { AlarmState } from '../twin/alarms.js';
import { renderPathGraph, renderStateGraph } from './state-graph.js';
import type { MetricStore } from '../twin/metric-store.js';
import { regulatorsSection } from './regulators-section.js';
import { promisesSection } from './promises-section.js';
import { questionsSection } from './questions-section.js';
import { callListSection } from './call-list-section.js';
import { unreachableCustomers, type UnreachableDeps } from '../../functions/steps/unreachable-customers.js';
import type { QuestionView } from '../../functions/steps/answer-question.js';
import type { ObligationStorePort } from '../../functions/domain/ports.js';

export interface ConsoleDeps {
  workflow: LocalWorkflow;
  incidents: Pick<IncidentStorePort, 'getIncident' | 'listTimeline'>;
  notices: Pick<NoticeStorePort, 'listNotices'>;
  approvals: Pick<ApprovalStorePort, 'listApprovalRequests'>;
  ledger: Pick<DeliveryLedgerPort, 'recipientOutcomes'>;
  facts: Pick<FactsStorePort, 'listFacts'>;
  /** Regulators' obligations, shown with deadline, time left and state. */
  obligations?: Pick<ObligationStorePort, 'listObligations'>;
  /** The functions' metrics (local/twin/metric-store.ts): the front page's dashboard. @default none shown */
  metrics?: MetricStore;
  /** The stack's alarms as the twin evaluates them (local/twin/alarms.ts): those in ALARM head the front page. @default none shown */
  alarms?: () => AlarmState[];
  /** The locales notices are written in: one facts form each. */
  locales: readonly Locale[];
  /** Who saves from this console (the twin runs for one operator). */
  operator: string;
  /** The edit step (steps/edit-facts.ts) with its dependencies, as the twin wires it. */
  editFacts: (input: EditInput) => Promise<EditResult>;
  /** The team's decisions (steps/team-decisions.ts), as the CLI and the operator API run them. */
  teamActions: {
    listScopeDecisions: (incidentId: string) => Promise<ScopeDecision[]>;
    decideScope: (input: { incidentId: string; author: string; request: unknown }) => Promise<TeamActionResult & { version: number; summary: string }>;
    close: (input: { incidentId: string; author: string; reason?: string }) => Promise<TeamActionResult>;
    redraft: (input: { incidentId: string; author: string }) => Promise<TeamActionResult & { noticeId: string }>;
  };
  /**
   * The notices' email evidence with their bounce and complaint rates, and the team's resume of a notice
   * the reputation guard paused (steps/resume-sending.ts). Absent: neither is shown.
   */
  reputation?: {
    evidence: Pick<EvidenceStorePort, 'counts'>;
    resume: (input: { incidentId: string; noticeId: string; author: string }) => Promise<ResumeSendingOutcome>;
  };
  mailboxUrl: string;
  /** The notices' undeliverable lists and outcomes: who no channel reached, the team's call list. Absent: not shown. */
  unreachable?: UnreachableDeps;
  /** Customers' questions with their answers (steps/answer-question.ts listQuestions). */
  listQuestions?: (incidentId: string) => Promise<QuestionView[]>;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5rem 2rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left;font-size:.9rem}
.status-RUNNING{color:#0a58ca}.status-SUCCEEDED{color:#198754}.status-FAILED,.status-TIMED_OUT,.status-ABORTED{color:#dc3545}
/* Graphs keep their own size (12px text) and scroll inside their box rather than shrink to it. */
.graph-scroll{max-width:44rem;max-height:80vh;overflow:auto}.state-graph,.path-graph{display:block;border:1px solid #eee}.state rect{fill:#f6f6f6;stroke:#999}.state text{font-size:12px;fill:#333}
.state.ahead rect{fill:#fff;stroke:#0a58ca;stroke-dasharray:3 2}.edge.ahead{stroke:#0a58ca;stroke-dasharray:2 3}.state.folded rect{fill:#fff;stroke:#bbb;stroke-dasharray:4 3}.state.folded text{fill:#666;font-style:italic}
details.whole-graph{margin:.5rem 0 1.5rem}
.state.visited rect{fill:#d1e7dd;stroke:#198754}.state.failed rect{fill:#f8d7da;stroke:#dc3545}.state.current rect{fill:#cfe2ff;stroke:#0a58ca;stroke-width:3}
.edge{fill:none;stroke:#888;stroke-width:1.2}.edge.catch{stroke:#dc3545;stroke-dasharray:4 3;opacity:.5}marker path{fill:#888}.cols{display:flex;gap:2rem;flex-wrap:wrap}
form.facts{border:1px solid #ddd;padding:.5rem 1rem;margin:0 0 1rem;max-width:44rem}form.facts label{display:block;margin:.4rem 0;font-size:.9rem}
form.facts textarea{display:block;width:100%;font:inherit}.notice{background:#d1e7dd;padding:.4rem .7rem}.gaps{color:#b02a37}`;

// Forms post only to this console; nothing may frame it (a framed form is a click away from a save).
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const CSRF_COOKIE = 'breach_notice_console';
const MAX_FORM_BYTES = 256 * 1024;

function page(res: ServerResponse, title: string, body: string, options: { refresh?: boolean; status?: number; cookie?: string } = {}): void {
  res
    .writeHead(options.status ?? 200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': CSP,
      ...(options.cookie ? { 'set-cookie': options.cookie } : {}),
    })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8">${options.refresh ? '<meta http-equiv="refresh" content="3">' : ''}<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`,
    );
}

function refuse(res: ServerResponse, status: number, message: string, back?: string): void {
  page(
    res,
    'breach-notice: refused',
    `<h1>${status}</h1><p>${escapeHtml(message)}</p>${back ? `<p><a href="${escapeHtml(back)}">Back to the incident</a></p>` : ''}`,
    { status },
  );
}

const currentState = (e: Execution) => (e.status === 'RUNNING' ? e.events.filter((ev) => ev.type === 'StateEntered').at(-1)?.stateName : undefined);
const time = (d?: Date | number | string) =>
  d === undefined
    ? ''
    : new Date(d)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
const incidentPath = (name: string) => `/incidents/${encodeURIComponent(name)}`;
/** The incident an execution runs: its id, or the id before `--<n>` of a continuation (a name of neither kind stands for itself). */
const incidentOf = (e: Execution) => parseExecutionName(e.name)?.incidentId ?? e.name;
const sequenceOf = (e: Execution) => parseExecutionName(e.name)?.sequence ?? 1;
const executionPath = (e: Execution) => `${incidentPath(incidentOf(e))}?execution=${encodeURIComponent(e.name)}`;
/** The execution this one continues, as its input names it (functions/steps/start-next-execution.ts). */
const continuedFrom = (e: Execution): string | undefined => {
  try {
    const from = (JSON.parse(e.input) as { continuation?: { from?: unknown } }).continuation?.from;
    return typeof from === 'string' ? from : undefined;
  } catch {
    return undefined;
  }
};

/** Each incident's executions, oldest first: the one intake started, then its continuations. */
function byIncident(executions: Iterable<Execution>): Map<string, Execution[]> {
  const chains = new Map<string, Execution[]>();
  for (const e of executions) chains.set(incidentOf(e), [...(chains.get(incidentOf(e)) ?? []), e]);
  for (const chain of chains.values()) chain.sort((a, b) => sequenceOf(a) - sequenceOf(b) || a.startDate.getTime() - b.startDate.getTime());
  return chains;
}

/** An incident's executions linked both ways: each names the one it continued from and the one it continued in. */
function executionsSection(chain: Execution[], shown: Execution): string {
  const byArn = new Map(chain.map((e) => [e.executionArn, e]));
  const link = (e: Execution | undefined) =>
    !e ? '' : e === shown ? `<strong>${escapeHtml(e.name)}</strong>` : `<a href="${escapeHtml(executionPath(e))}">${escapeHtml(e.name)}</a>`;
  const rows = chain.map((e) => {
    const from = continuedFrom(e);
    const next = chain.find((c) => continuedFrom(c) === e.executionArn);
    return `<tr><td>${link(e)}</td><td class="status-${e.status}">${e.status}</td><td>${time(e.startDate)}</td><td>${time(e.stopDate)}</td><td>${from ? link(byArn.get(from)) || escapeHtml(from) : ''}</td><td>${link(next)}</td></tr>`;
  });
  return (
    `<h2 id="executions">Executions</h2><p>A long incident goes on in a new execution before its history grows long (Step Functions keeps 25,000 events and a year per execution); the last one runs now.</p>` +
    `<table><tr><th>Execution</th><th>Status</th><th>Started</th><th>Stopped</th><th>Continued from</th><th>Continued in</th></tr>${rows.join('')}</table>`
  );
}
const csvPath = (ref: NoticeRef) => `${incidentPath(ref.incidentId)}/notices/${encodeURIComponent(ref.noticeId)}/deliveries.csv`;

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sameSecret(value: string | null | undefined, secret: string): boolean {
  if (!value) return false;
  const a = Buffer.from(value);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A request from a page of this console (its Host is checked for every route): the same origin, when the browser names one. */
function fromThisConsole(req: IncomingMessage): boolean {
  const host = String(req.headers.host ?? '');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return false;
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return 'too-large';
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The form's fields as facts: empty text fields are left out, lists are one entry per non-blank line. */
function factsFromForm(form: URLSearchParams): Record<string, unknown> {
  const text = (name: string) => form.get(name)?.trim() || undefined;
  const lines = (name: string) =>
    (form.get(name) ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
  const whatHappened = text('whatHappened');
  const cause = text('cause');
  return {
    ...(whatHappened ? { whatHappened } : {}),
    ...(cause ? { cause } : {}),
    measures: lines('measures'),
    advice: lines('advice'),
    remedies: lines('remedies'),
    confirmedActions: form.getAll('confirmedActions'),
  };
}

/** The newest version that changed `locale`'s facts (what its author and time on the form refer to). */
/** Who is affected, closing now, drafting a rejected notice again: the three words the workflow may wait for. */
function teamForms(name: string, incident: Incident, decisions: ScopeDecision[], notices: Notice[], csrf: string, done: string | null): string {
  const hidden = `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
  const rows = decisions.map(
    (d) =>
      `<tr><td>${d.version}</td><td>${escapeHtml(describeScope(d))}</td><td>${escapeHtml(d.reason)}</td><td>${escapeHtml(d.decidedBy)}</td><td>${time(d.decidedAt)}</td></tr>`,
  );
  const latest = [...notices].sort((a, b) => a.sequence - b.sequence).at(-1);
  const closed = incident.status === 'CLOSED';
  const action = (what: string) => `${incidentPath(name)}/${what}`;
  return (
    `<h2 id="team">Scope, close, redraft</h2>` +
    // A resume's outcome is told in the evidence section.
    (doneText(done) && !done?.startsWith('resume') ? `<p class="notice">${doneText(done)}</p>` : '') +
    `<p>Scope: <strong>${escapeHtml(incident.scope)}</strong>, ${incident.impact?.affectedCustomers ?? 0} customers (decision ${incident.scopeVersion ?? 0} applied).</p>` +
    `<table><tr><th>#</th><th>Decision</th><th>Why</th><th>By</th><th>At</th></tr>${rows.join('') || '<tr><td colspan="5">none: the alarm\'s own resources</td></tr>'}</table>` +
    (closed
      ? '<p>The incident is closed.</p>'
      : `<form class="facts" method="post" action="${action('scope')}">${hidden}<label>Who is affected <select name="basis">` +
        [
          "alarm:the alarm's resources",
          'all:every customer',
          'resources:customers on these resources',
          'ids:these customer ids',
          'none:nobody (close without notices)',
        ]
          .map((o) => `<option value="${o.split(':')[0]}">${escapeHtml(o.split(':')[1]!)}</option>`)
          .join('') +
        `</select></label><label>Resources (one per line)<textarea name="resources" rows="2"></textarea></label>` +
        `<label>Customer ids (one per line)<textarea name="customerIds" rows="2"></textarea></label>` +
        `<label>Only countries (e.g. DE, FR) <input name="countries"></label><label>Only data categories (e.g. email, payment-card) <input name="dataCategories"></label>` +
        `<label>How <select name="mode"><option value="replace">replace the audience</option><option value="add">add to it (widen)</option><option value="remove">remove from it (narrow)</option></select></label>` +
        `<label>Why (on the timeline and in the final report)<textarea name="reason" rows="2" required></textarea></label><button>Decide the scope</button></form>` +
        (latest?.status === 'REJECTED'
          ? `<form method="post" action="${action('redraft')}">${hidden}<button>Draft ${escapeHtml(latest.noticeId)} again as the facts stand</button></form>`
          : '') +
        `<form class="facts" method="post" action="${action('close')}">${hidden}<label>Why close now<textarea name="reason" rows="2"></textarea></label><button>Close the incident now</button> (the closing notice is drafted at once and approved like any other, then the final report)</form>`)
  );
}

/** The outcome named by a code in the URL, never text from it (a crafted link cannot write on this page). */
function doneText(done: string | null): string | undefined {
  const scope = /^scope-(\d{1,6})$/.exec(done ?? '');
  if (scope) return `Scope decision ${scope[1]} kept: the workflow applies it (a notice waiting for approval is drafted again for the new audience).`;
  if (done === 'closed') return 'Closed: the closing notice is drafted now (approved like any other; none if no notice went out), then the final report.';
  if (done === 'redraft') return 'The rejected notice is drafted again; approvers are asked again.';
  if (done === 'resumed') return 'Sending goes on despite the rates: the paused slices go on at the next round; nobody already sent is sent again.';
  if (done === 'resume-already') return 'Someone had already resumed this notice: nothing changed.';
  if (done === 'resume-not-sending') return 'That notice is not being sent: nothing to resume.';
  return undefined;
}

const lines = (v: string | null) =>
  (v ?? '')
    .split(/[\r\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Each notice's email evidence and rates; a notice the reputation guard paused (a pause on the timeline,
 * still being sent, not resumed) gets the button that sends it on despite its rates.
 */
function evidenceSection(
  name: string,
  rows: { notice: Notice; figures: EvidenceFigures }[],
  timeline: TimelineEntry[],
  csrf: string,
  done: string | null,
): string {
  const hidden = `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
  const paused = (n: Notice) =>
    n.status === 'APPROVED' && !n.sendingResumed && timeline.some((t) => t.action === 'sending-paused-reputation' && t.detail?.noticeId === n.noticeId);
  const body = rows.map(({ notice: n, figures: f }) => {
    const state = n.sendingResumed
      ? `sent on despite its rates by ${escapeHtml(n.sendingResumed.by)} at ${time(n.sendingResumed.at)}`
      : paused(n)
        ? `<strong>paused for its rates</strong> <form method="post" action="${escapeHtml(`${incidentPath(name)}/notices/${encodeURIComponent(n.noticeId)}/resume-sending`)}">${hidden}<button>Resume sending ${escapeHtml(n.noticeId)} despite its rates</button></form>`
        : '';
    const counts = [f.accepted, f.delivered, f.bounced, f.complained, f.transientBounces, f.delayed, f.rejected, f.renderingFailures]
      .map((c) => `<td>${c}</td>`)
      .join('');
    return `<tr><td>${escapeHtml(n.noticeId)}</td>${counts}<td>${percent(f.bounceRate)}</td><td>${percent(f.complaintRate)}</td><td>${state}</td></tr>`;
  });
  const message = done?.startsWith('resume') ? doneText(done) : undefined;
  return (
    `<h2 id="evidence">Email evidence and reputation</h2>` +
    (message ? `<p class="notice">${message}</p>` : '') +
    `<table><tr><th>Notice</th><th>Accepted</th><th>Delivered</th><th>Bounced</th><th>Complaints</th><th>Soft bounces</th><th>Delayed</th><th>Rejected</th><th>Failed to render</th><th>Bounce rate</th><th>Complaint rate</th><th>Sending</th></tr>${
      body.join('') || '<tr><td colspan="12">no evidence yet</td></tr>'
    }</table>` +
    `<p>What SES reported after accepting each email. Bounce rate: permanent bounces per email accepted; complaint rate: complaints per email delivered. Above the deployment's limits a notice stops sending and the team is paged; SES itself reviews an account from about 5% bounces or 0.1% complaints.</p>`
  );
}

function lastChange(versions: FactsVersion[], locale: Locale): FactsVersion | undefined {
  let found: FactsVersion | undefined;
  let previous = JSON.stringify(factsFor(undefined, locale));
  for (const v of versions) {
    const current = JSON.stringify(factsFor(v, locale));
    if (current !== previous) found = v;
    previous = current;
  }
  return found;
}

const CONFIRMED_ACTION_LABELS: Record<ConfirmedAction, string> = {
  'passwords-reset': 'We reset the passwords involved',
  'api-keys-disabled': 'We disabled the API keys involved',
  'cards-replaced': 'We cancelled the cards involved and are sending new ones',
};

function factsForm(name: string, locale: Locale, facts: NoticeFacts, expectedVersion: number, changed: FactsVersion | undefined, csrf: string): string {
  const area = (field: string, label: string, value: string, rows: number) =>
    `<label>${label}<textarea name="${field}" rows="${rows}" lang="${locale}">${escapeHtml(value)}</textarea></label>`;
  return (
    `<form class="facts" method="post" action="${escapeHtml(`${incidentPath(name)}/facts`)}">` +
    `<h3>${locale}</h3><p>${changed ? `Version ${changed.version} by ${escapeHtml(changed.author)} at ${time(changed.at)}` : 'Nothing written in this language yet'}</p>` +
    `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><input type="hidden" name="locale" value="${locale}"><input type="hidden" name="expectedVersion" value="${expectedVersion}">` +
    area('whatHappened', 'What happened', facts.whatHappened ?? '', 3) +
    area('cause', 'Cause', facts.cause ?? '', 2) +
    area('measures', 'What we have done (one per line)', facts.measures.join('\n'), 4) +
    area('advice', 'What customers should do, beyond the advice for their data (one per line)', facts.advice.join('\n'), 3) +
    area('remedies', 'Remedies and compensation (one per line)', facts.remedies.join('\n'), 3) +
    // Notices state these as done only when ticked here; otherwise customers get the advice.
    `<fieldset><legend>Actions confirmed for this incident</legend>${confirmedActionKinds
      .map(
        (action) =>
          `<label><input type="checkbox" name="confirmedActions" value="${action}"${facts.confirmedActions?.includes(action) ? ' checked' : ''}> ${CONFIRMED_ACTION_LABELS[action]}</label>`,
      )
      .join('')}</fieldset>` +
    `<button type="submit">Save ${locale} as version ${expectedVersion + 1}</button></form>`
  );
}

/**
 * The operator console of the local twin, like the Step Functions console but for incidents: the
 * incidents with their executions, and per incident its state graph, history, pending approvals,
 * each notice's deliveries reconciled per channel (with a CSV download), timeline and the team's
 * facts for the notices, and each notice's email evidence and rates. Read-only but for saving facts,
 * the team's decisions and resuming a notice paused for its rates, which need this console's own secret
 * (cookie and form field) from a loopback same-origin page; ids and counts, no customer data.
 */
export function operatorConsole(deps: ConsoleDeps) {
  // One per console process: a page of this console is the only way to learn it.
  const csrf = randomBytes(32).toString('base64url');
  const csrfCookie = `${CSRF_COOKIE}=${csrf}; Path=/; HttpOnly; SameSite=Strict`;

  const list = async (res: ServerResponse) => {
    const chains = [...byIncident(deps.workflow.executions.values())].sort(([, a], [, b]) => b[0]!.startDate.getTime() - a[0]!.startDate.getTime());
    const rows = await Promise.all(
      chains.map(async ([incidentId, chain]) => {
        const e = chain.at(-1)!;
        const incident = await deps.incidents.getIncident(incidentId).catch(() => undefined);
        const executions = chain.map((c) => `<a href="${escapeHtml(executionPath(c))}">${escapeHtml(c.name)}</a>`).join(' → ');
        return `<tr><td><a href="${incidentPath(incidentId)}">${escapeHtml(incidentId)}</a></td><td class="status-${e.status}">${e.status}</td><td>${escapeHtml(incident?.title ?? '')}</td><td>${escapeHtml(incident?.severity ?? '')}</td><td>${incident?.impact?.affectedCustomers ?? ''}</td><td>${escapeHtml(currentState(e) ?? '')}</td><td>${time(chain[0]!.startDate)}</td><td>${executions}</td></tr>`;
      }),
    );
    page(
      res,
      'breach-notice: incidents',
      `<h1>Incidents</h1><p><a href="${escapeHtml(deps.mailboxUrl)}">Mailbox</a> · <a href="/_aws/ses">/_aws/ses</a> · <a href="/_aws/sns/sms-messages">/_aws/sns/sms-messages</a></p>` +
        (deps.alarms ? alarmsSection(deps.alarms()) : '') +
        (deps.metrics ? dashboardSection(deps.metrics, Date.now()) : '') +
        '<h2>Incidents</h2>' +
        `<table class="incidents"><tr><th>Incident</th><th>Status</th><th>Alarm</th><th>Severity</th><th>Customers</th><th>Current state</th><th>Started</th><th>Executions (the last runs now)</th></tr>${
          rows.join('') || '<tr><td colspan="8">No incident yet: <code>npm run alarm -- guardduty</code></td></tr>'
        }</table>`,
      { refresh: true },
    );
  };

  const factsSection = async (name: string, saved: URLSearchParams) => {
    const versions = await deps.facts.listFacts(name);
    const latest = versions.at(-1);
    const expected = latest?.version ?? 0;
    const gaps = factsGaps(latest, deps.locales);
    const savedVersion = /^\d{1,9}$/.test(saved.get('saved') ?? '') ? saved.get('saved') : undefined;
    const superseded = Number(/^\d{1,4}$/.test(saved.get('superseded') ?? '') ? saved.get('superseded') : 0);
    const history = [...versions]
      .reverse()
      .map(
        (v) => `<tr><td>${v.version}</td><td>${escapeHtml(v.author)}</td><td>${time(v.at)}</td><td>${escapeHtml(Object.keys(v.locales).join(', '))}</td></tr>`,
      );
    return (
      `<h2 id="facts">Facts for the notices</h2>` +
      (savedVersion
        ? `<p class="notice">Version ${savedVersion} saved.${superseded > 0 ? ` ${superseded} pending approval request(s) taken back: the notice is redrafted and approvers are asked again.` : ''}</p>`
        : '') +
      `<p>${latest ? `Version ${latest.version} by ${escapeHtml(latest.author)} at ${time(latest.at)}.` : 'Nothing written yet: the notices say only what the alarm tells.'} What the team writes here goes into every notice drafted from now on, in each language as written here.</p>` +
      (gaps.length > 0 ? `<p class="gaps">The languages disagree: ${gaps.map(escapeHtml).join('; ')}</p>` : '') +
      deps.locales.map((locale) => factsForm(name, locale, factsFor(latest, locale), expected, lastChange(versions, locale), csrf)).join('') +
      `<h3>Versions</h3><table><tr><th>Version</th><th>By</th><th>At</th><th>Languages</th></tr>${history.join('') || '<tr><td colspan="4">none yet</td></tr>'}</table>`
    );
  };

  /** The incident `name` with one of its executions shown (`e`: graph and history); `chain` is all of them. */
  const detail = async (res: ServerResponse, name: string, chain: Execution[], e: Execution, query: URLSearchParams) => {
    const current = chain.at(-1)!;
    const definition = JSON.parse(deps.workflow.definitionText) as Parameters<typeof renderStateGraph>[0];
    const visited = new Set(e.events.filter((ev) => ev.type === 'StateEntered').map((ev) => ev.stateName!));
    const failed = new Set(e.events.filter((ev) => ev.type === 'StateFailed').map((ev) => ev.stateName!));
    const entered = e.events.filter((ev) => ev.type === 'StateEntered').map((ev) => ev.stateName!);
    const path = renderPathGraph(definition, { entered, failed, current: currentState(e) });
    const graph = renderStateGraph(definition, { visited, failed, current: currentState(e) });
    const incident = await deps.incidents.getIncident(name).catch(() => undefined);
    const approvals = incident ? await deps.approvals.listApprovalRequests(name) : [];
    const notices = incident ? await deps.notices.listNotices(name) : [];
    const deliveryRows: string[] = [];
    const unreconciled: string[] = [];
    for (const n of notices.sort((a, b) => a.sequence - b.sequence)) {
      // A sent notice's figures were reconciled once and kept (steps/confirm-sent.ts); others are read live.
      const { channels, plannedChunks, problems } = n.reconciliation ?? (await reconcile(deps.ledger.recipientOutcomes(n)));
      // Channels in a fixed order, whichever one the first chunk happened to record first.
      const rows = Object.entries(channels).sort(([a], [b]) => a.localeCompare(b));
      // The notice's download and how much of its audience is planned, once per notice.
      const csv = `<td><a href="${escapeHtml(csvPath(n))}" download>CSV</a> (${plannedChunks} of ${incident?.audienceChunks ?? 0} chunks planned)</td>`;
      if (rows.length === 0) deliveryRows.push(`<tr><td>${escapeHtml(n.noticeId)}</td><td colspan="7">nothing planned yet</td>${csv}</tr>`);
      for (const [i, [channel, f]] of rows.entries()) {
        deliveryRows.push(
          `<tr><td>${escapeHtml(n.noticeId)}</td><td>${escapeHtml(channel)}</td><td>${f.intended}</td>${deliveryCategories.map((c) => `<td>${f[c]}</td>`).join('')}${i === 0 ? csv : '<td></td>'}</tr>`,
        );
      }
      for (const problem of problems) unreconciled.push(`${n.noticeId} ${problem}`);
    }
    const pending = approvals
      .filter((a) => a.status === 'PENDING')
      .map((a) => `<tr><td>${escapeHtml(a.noticeId)}</td><td>${a.tier}</td><td>${escapeHtml(a.expiresAt)}</td></tr>`);
    const history = e.events.map(
      (ev, i) =>
        `<tr><td>${i + 1}</td><td>${time(ev.timestamp)}</td><td>${escapeHtml(ev.type)}</td><td>${escapeHtml(ev.stateName ?? '')}</td><td>${escapeHtml(ev.error ?? '')}</td></tr>`,
    );
    // The timeline's hand-overs link both executions (adapters/execution-chain.ts writes them).
    const handOver = (detail: Record<string, unknown> | undefined) => {
      const [from, to] = [chain.find((c) => c.executionArn === detail?.fromExecutionArn), chain.find((c) => c.executionArn === detail?.toExecutionArn)];
      return from && to
        ? `<a href="${escapeHtml(executionPath(from))}">${escapeHtml(from.name)}</a> → <a href="${escapeHtml(executionPath(to))}">${escapeHtml(to.name)}</a>`
        : '';
    };
    const entries = incident ? (await deps.incidents.listTimeline(name)).sort((a, b) => a.at.localeCompare(b.at)) : [];
    const evidenceRows: { notice: Notice; figures: EvidenceFigures }[] = [];
    for (const n of deps.reputation ? notices : []) {
      const figures = evidenceFigures(await deps.reputation!.evidence.counts(n, REPUTATION_CHANNEL));
      if (anyEvidence(figures) || n.status === 'APPROVED' || n.status === 'SENT') evidenceRows.push({ notice: n, figures });
    }
    const callLists: { noticeId: string; unreachable: Awaited<ReturnType<typeof unreachableCustomers>> }[] = [];
    for (const n of incident && deps.unreachable ? notices : [])
      callLists.push({ noticeId: n.noticeId, unreachable: await unreachableCustomers(n, deps.unreachable!) });
    const timeline = incident
      ? entries.map((t) => `<tr><td>${escapeHtml(t.at)}</td><td>${escapeHtml(t.action)}</td><td>${escapeHtml(t.actor)}</td><td>${handOver(t.detail)}</td></tr>`)
      : [];
    // No automatic refresh here: it would throw away facts being typed.
    page(
      res,
      `breach-notice: ${name}`,
      `<p><a href="/">All incidents</a> · <a href="${incidentPath(name)}">Refresh</a> · <a href="${escapeHtml(deps.mailboxUrl)}">Mailbox</a></p>` +
        `<h1>${escapeHtml(name)} <span class="status-${current.status}">${current.status}</span></h1>` +
        `<p>${escapeHtml(incident?.title ?? '')}${incident ? ` · severity ${incident.severity} · scope ${incident.scope} · ${incident.impact?.affectedCustomers ?? 0} customers · ${incident.status}` : ''}${current.error ? ` · error ${escapeHtml(current.error)}` : ''}</p>` +
        executionsSection(chain, e) +
        `<div class="cols"><div><h2>Path of ${escapeHtml(e.name)}</h2><div class="graph-scroll">${path}</div>` +
        `<details class="whole-graph"><summary>Whole definition (${Object.keys(definition.States).length} states)</summary><div class="graph-scroll">${graph}</div></details></div><div>` +
        `<h2>Pending approvals</h2><table><tr><th>Notice</th><th>Tier</th><th>Expires</th></tr>${pending.join('') || '<tr><td colspan="3">none</td></tr>'}</table>` +
        (incident ? teamForms(name, incident, await deps.teamActions.listScopeDecisions(name), notices, csrf, query.get('done')) : '') +
        (incident ? await factsSection(name, query) : '') +
        `<h2>Deliveries</h2>` +
        (unreconciled.length > 0 ? `<p class="gaps">The figures do not reconcile: ${unreconciled.map(escapeHtml).join('; ')}</p>` : '') +
        `<table><tr><th>Notice</th><th>Channel</th><th>Intended</th><th>Sent</th><th>Suppressed</th><th>Failed</th><th>Uncertain</th><th>Unfinished</th><th>Recipients</th></tr>${deliveryRows.join('') || '<tr><td colspan="9">none yet</td></tr>'}</table>` +
        `<p>Per channel, intended = sent + suppressed + failed + uncertain + unfinished (retryable or no answer yet). The CSV has one row per intended recipient and channel, by customer id only.</p>` +
        (incident ? promisesSection(notices, new Date()) : '') +
        (incident && deps.reputation ? evidenceSection(name, evidenceRows, entries, csrf, query.get('done')) : '') +
        (incident && deps.unreachable ? callListSection(name, callLists) : '') +
        (incident && deps.obligations ? regulatorsSection(await deps.obligations.listObligations(name), new Date()) : '') +
        (incident && deps.listQuestions ? questionsSection(name, await deps.listQuestions(name)) : '') +
        `<h2>Timeline</h2><table><tr><th>At</th><th>Action</th><th>By</th><th></th></tr>${timeline.join('')}</table>` +
        `<h2>Execution history of ${escapeHtml(e.name)}</h2><table><tr><th>#</th><th>Time</th><th>Type</th><th>State</th><th>Error</th></tr>${history.join('')}</table></div></div>`,
      { cookie: csrfCookie },
    );
  };

  /**
   * A form posted from a page of this console, within the size limit and carrying the console's
   * anti-forgery token; undefined once refused (`notHere` when it came from elsewhere), nothing changed.
   */
  const postedForm = async (req: IncomingMessage, res: ServerResponse, back: string, notHere: string, retry: string) => {
    if (!fromThisConsole(req)) return void refuse(res, 403, notHere);
    const form = await readForm(req);
    if (form === 'too-large') return void refuse(res, 413, `The form is larger than ${MAX_FORM_BYTES / 1024} KiB.`, back);
    if (!sameSecret(cookieValue(req, CSRF_COOKIE), csrf) || !sameSecret(form.get('csrf'), csrf)) {
      return void refuse(
        res,
        403,
        `This form did not come from this console (its security token is missing or stale): reload the incident page and ${retry}.`,
        back,
      );
    }
    return form;
  };

  /** Saves one locale's facts as a new version; every refusal changes nothing. */
  const saveFacts = async (req: IncomingMessage, res: ServerResponse, name: string) => {
    const back = `${incidentPath(name)}#facts`;
    const form = await postedForm(req, res, back, 'Facts are saved only from a page of this console.', 'save again');
    if (!form) return;
    const locale = deps.locales.find((l) => l === form.get('locale'));
    if (!locale) return refuse(res, 400, `Notices are written in ${deps.locales.join(', ')} only.`, back);
    const expected = form.get('expectedVersion') ?? '';
    if (!/^\d{1,9}$/.test(expected)) return refuse(res, 400, 'The form names no version it was read at: reload the incident page.', back);
    const parsed = noticeFactsSchema.safeParse(factsFromForm(form));
    if (!parsed.success) {
      return refuse(
        res,
        400,
        `Nothing saved: ${parsed.error.issues.map((i) => `${[locale, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ')}`,
        back,
      );
    }
    try {
      const result = await deps.editFacts({ incidentId: name, author: deps.operator, locales: { [locale]: parsed.data }, expectedVersion: Number(expected) });
      res
        .writeHead(303, {
          location: `${incidentPath(name)}?saved=${result.version}&superseded=${result.supersededRequests}#facts`,
          'cache-control': 'no-store',
        })
        .end();
    } catch (error) {
      if (error instanceof FactsVersionConflictError)
        return refuse(res, 409, `Nothing saved: ${error.message}. Copy your text, reload the incident page and edit the newer version.`, back);
      throw error;
    }
  };

  /** A scope decision, a close or a redraft from the team form; every refusal changes nothing. */
  const teamAction = async (req: IncomingMessage, res: ServerResponse, name: string, what: 'scope' | 'close' | 'redraft') => {
    const back = `${incidentPath(name)}#team`;
    const form = await postedForm(req, res, back, 'Decisions are made only from a page of this console.', 'try again');
    if (!form) return;
    let done: string;
    try {
      if (what === 'scope') {
        const result = await deps.teamActions.decideScope({
          incidentId: name,
          author: deps.operator,
          request: {
            basis: form.get('basis'),
            resources: lines(form.get('resources')),
            customerIds: lines(form.get('customerIds')),
            countries: lines(form.get('countries')),
            dataCategories: lines(form.get('dataCategories')),
            mode: form.get('mode') ?? 'replace',
            reason: form.get('reason') ?? '',
          },
        });
        done = `scope-${result.version}`;
      } else if (what === 'close') {
        const reason = (form.get('reason') ?? '').trim();
        await deps.teamActions.close({ incidentId: name, author: deps.operator, ...(reason ? { reason } : {}) });
        done = 'closed';
      } else {
        await deps.teamActions.redraft({ incidentId: name, author: deps.operator });
        done = 'redraft';
      }
    } catch (error) {
      if (error instanceof ZodError)
        return refuse(res, 400, `Nothing decided: ${error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ')}`, back);
      if (error instanceof IncidentClosedError || error instanceof NoticeNotFoundError) return refuse(res, 409, error.message, back);
      throw error;
    }
    res.writeHead(303, { location: `${incidentPath(name)}?done=${encodeURIComponent(done)}#team`, 'cache-control': 'no-store' }).end();
  };

  /** The team's resume of a notice the reputation guard paused; every refusal changes nothing. */
  const resumeAction = async (req: IncomingMessage, res: ServerResponse, name: string, noticeId: string) => {
    const back = `${incidentPath(name)}#evidence`;
    if (!deps.reputation) return refuse(res, 403, 'Sending is resumed only from a page of this console.');
    const form = await postedForm(req, res, back, 'Sending is resumed only from a page of this console.', 'try again');
    if (!form) return;
    let result: ResumeSendingOutcome;
    try {
      result = await deps.reputation.resume({ incidentId: name, noticeId, author: deps.operator });
    } catch (error) {
      if (error instanceof NoticeNotFoundError) return refuse(res, 404, error.message, back);
      throw error;
    }
    const done = result.outcome === 'resumed' ? 'resumed' : result.outcome === 'already' ? 'resume-already' : 'resume-not-sending';
    res.writeHead(303, { location: `${incidentPath(name)}?done=${done}#evidence`, 'cache-control': 'no-store' }).end();
  };

  /** One notice's reconciliation as CSV, streamed from the ledger: ids only, any audience size. */
  const deliveriesCsv = async (res: ServerResponse, ref: NoticeRef) => {
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8; header=present',
      'content-disposition': `attachment; filename="${ref.incidentId}-${ref.noticeId}-deliveries.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    // A failed read cuts the response short, so the browser reports the download failed instead of keeping part of it.
    await pipeline(Readable.from(reconciliationCsv(deps.ledger.recipientOutcomes(ref), new NoticeReconciler())), res);
  };

  /** Handles console routes; returns false for anything else so the edge can answer it. */
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const [path = '/', search = ''] = (req.url ?? '/').split('?');
    const incidentRoute =
      /^\/incidents\/([^/]+)(?:(\/facts)|\/notices\/([^/]+)\/deliveries\.csv|\/(scope|close|redraft)|\/notices\/([^/]+)\/resume-sending)?$/.exec(path);
    const isList = req.method === 'GET' && (path === '/' || path === '/index.html');
    const isPage = req.method === 'GET' && !!incidentRoute && !incidentRoute[2] && !incidentRoute[3] && !incidentRoute[4] && !incidentRoute[5];
    const team = req.method === 'POST' ? (incidentRoute?.[4] as 'scope' | 'close' | 'redraft' | undefined) : undefined;
    const isSave = req.method === 'POST' && !!incidentRoute?.[2];
    const isCsv = req.method === 'GET' && !!incidentRoute?.[3];
    const resumeOf = req.method === 'POST' ? incidentRoute?.[5] : undefined;
    if (!isList && !isPage && !isSave && !isCsv && !team && !resumeOf) return false;
    // Pages carry the form secret: a rebound DNS name must not read them either.
    if (!isLoopbackHost(req.headers.host)) {
      refuse(res, 403, 'The console answers on its loopback address only.');
      return true;
    }
    if (isList) {
      await list(res);
      return true;
    }
    const name = decodeURIComponent(incidentRoute![1]!);
    const chain = byIncident(deps.workflow.executions.values()).get(name);
    if (!chain) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`No incident ${name}`);
      return true;
    }
    const query = new URLSearchParams(search);
    if (isCsv) {
      // Only a notice the incident has: its id goes into a header.
      const noticeId = decodeURIComponent(incidentRoute![3]!);
      const notice = (await deps.notices.listNotices(name)).find((n) => n.noticeId === noticeId);
      if (!notice) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`No notice ${noticeId} in ${name}`);
      else await deliveriesCsv(res, notice);
    } else if (isSave) await saveFacts(req, res, name);
    else if (team) await teamAction(req, res, name, team);
    else if (resumeOf) await resumeAction(req, res, name, decodeURIComponent(resumeOf));
    else await detail(res, name, chain, chain.find((e) => e.name === query.get('execution')) ?? chain.at(-1)!, query);
    return true;
  };
}
