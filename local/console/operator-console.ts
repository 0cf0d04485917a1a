import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeliveryLedgerPort } from '../../functions/domain/ports.js';
import type { ApprovalStorePort, IncidentStorePort, NoticeStorePort } from '../../functions/domain/ports.js';
import { escapeHtml } from '../../functions/domain/preview.js';
import type { Execution, LocalWorkflow } from '../workflow-engine.js';
import { renderStateGraph } from './state-graph.js';

export interface ConsoleDeps {
  workflow: LocalWorkflow;
  incidents: Pick<IncidentStorePort, 'getIncident' | 'listTimeline'>;
  notices: Pick<NoticeStorePort, 'listNotices'>;
  approvals: Pick<ApprovalStorePort, 'listApprovalRequests'>;
  ledger: Pick<DeliveryLedgerPort, 'noticeTotals'>;
  mailboxUrl: string;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5rem 2rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left;font-size:.9rem}
.status-RUNNING{color:#0a58ca}.status-SUCCEEDED{color:#198754}.status-FAILED,.status-TIMED_OUT,.status-ABORTED{color:#dc3545}
.state-graph{max-width:100%;height:auto;border:1px solid #eee}.state rect{fill:#f6f6f6;stroke:#999}.state text{font-size:12px;fill:#333}
.state.visited rect{fill:#d1e7dd;stroke:#198754}.state.failed rect{fill:#f8d7da;stroke:#dc3545}.state.current rect{fill:#cfe2ff;stroke:#0a58ca;stroke-width:3}
.edge{fill:none;stroke:#888;stroke-width:1.2}.edge.catch{stroke:#dc3545;stroke-dasharray:4 3;opacity:.5}marker path{fill:#888}.cols{display:flex;gap:2rem;flex-wrap:wrap}`;

function page(res: ServerResponse, title: string, body: string, refresh = true): void {
  res
    .writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
    })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8">${refresh ? '<meta http-equiv="refresh" content="3">' : ''}<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`,
    );
}

const currentState = (e: Execution) => (e.status === 'RUNNING' ? e.events.filter((ev) => ev.type === 'StateEntered').at(-1)?.stateName : undefined);
const time = (d?: Date | number) => (d === undefined ? '' : new Date(d).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'));

/**
 * The operator console of the local twin, like the Step Functions console but for incidents: the
 * incidents with their executions, and per incident its state graph, history, pending approvals,
 * delivery counts and timeline. Read-only; ids and counts, no customer data.
 */
export function operatorConsole(deps: ConsoleDeps) {
  const list = async (res: ServerResponse) => {
    const executions = [...deps.workflow.executions.values()].sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const rows = await Promise.all(
      executions.map(async (e) => {
        const incident = await deps.incidents.getIncident(e.name).catch(() => undefined);
        return `<tr><td><a href="/incidents/${encodeURIComponent(e.name)}">${escapeHtml(e.name)}</a></td><td class="status-${e.status}">${e.status}</td><td>${escapeHtml(incident?.title ?? '')}</td><td>${escapeHtml(incident?.severity ?? '')}</td><td>${incident?.impact?.affectedCustomers ?? ''}</td><td>${escapeHtml(currentState(e) ?? '')}</td><td>${time(e.startDate)}</td></tr>`;
      }),
    );
    page(
      res,
      'breach-notice: incidents',
      `<h1>Incidents</h1><p><a href="${escapeHtml(deps.mailboxUrl)}">Mailbox</a> · <a href="/_aws/ses">/_aws/ses</a> · <a href="/_aws/sns/sms-messages">/_aws/sns/sms-messages</a></p>` +
        `<table><tr><th>Incident (execution)</th><th>Status</th><th>Alarm</th><th>Severity</th><th>Customers</th><th>Current state</th><th>Started</th></tr>${
          rows.join('') || '<tr><td colspan="7">No incident yet: <code>npm run alarm -- guardduty</code></td></tr>'
        }</table>`,
    );
  };

  const detail = async (res: ServerResponse, e: Execution) => {
    const definition = JSON.parse(deps.workflow.definitionText) as Parameters<typeof renderStateGraph>[0];
    const visited = new Set(e.events.filter((ev) => ev.type === 'StateEntered').map((ev) => ev.stateName!));
    const failed = new Set(e.events.filter((ev) => ev.type === 'StateFailed').map((ev) => ev.stateName!));
    const graph = renderStateGraph(definition, { visited, failed, current: currentState(e) });
    const incident = await deps.incidents.getIncident(e.name).catch(() => undefined);
    const approvals = incident ? await deps.approvals.listApprovalRequests(e.name) : [];
    const notices = incident ? await deps.notices.listNotices(e.name) : [];
    const deliveryRows: string[] = [];
    for (const n of notices.sort((a, b) => a.sequence - b.sequence)) {
      for (const [channel, t] of Object.entries(await deps.ledger.noticeTotals(n))) {
        deliveryRows.push(`<tr><td>${escapeHtml(n.noticeId)}</td><td>${channel}</td><td>${t.sent}</td><td>${t.failed}</td><td>${t.retryable}</td><td>${t.uncertain}</td><td>${t.calls}</td></tr>`);
      }
    }
    const pending = approvals
      .filter((a) => a.status === 'PENDING')
      .map((a) => `<tr><td>${escapeHtml(a.noticeId)}</td><td>${a.tier}</td><td>${escapeHtml(a.expiresAt)}</td></tr>`);
    const history = e.events.map(
      (ev, i) => `<tr><td>${i + 1}</td><td>${time(ev.timestamp)}</td><td>${escapeHtml(ev.type)}</td><td>${escapeHtml(ev.stateName ?? '')}</td><td>${escapeHtml(ev.error ?? '')}</td></tr>`,
    );
    const timeline = incident
      ? (await deps.incidents.listTimeline(e.name)).sort((a, b) => a.at.localeCompare(b.at)).map((t) => `<tr><td>${escapeHtml(t.at)}</td><td>${escapeHtml(t.action)}</td><td>${escapeHtml(t.actor)}</td></tr>`)
      : [];
    page(
      res,
      `breach-notice: ${e.name}`,
      `<p><a href="/">All incidents</a> · <a href="${escapeHtml(deps.mailboxUrl)}">Mailbox</a></p>` +
        `<h1>${escapeHtml(e.name)} <span class="status-${e.status}">${e.status}</span></h1>` +
        `<p>${escapeHtml(incident?.title ?? '')}${incident ? ` · severity ${incident.severity} · scope ${incident.scope} · ${incident.impact?.affectedCustomers ?? 0} customers · ${incident.status}` : ''}${e.error ? ` · error ${escapeHtml(e.error)}` : ''}</p>` +
        `<div class="cols"><div><h2>Graph</h2>${graph}</div><div>` +
        `<h2>Pending approvals</h2><table><tr><th>Notice</th><th>Tier</th><th>Expires</th></tr>${pending.join('') || '<tr><td colspan="3">none</td></tr>'}</table>` +
        `<h2>Deliveries</h2><table><tr><th>Notice</th><th>Channel</th><th>Sent</th><th>Failed</th><th>Retryable</th><th>Uncertain</th><th>Provider calls</th></tr>${deliveryRows.join('') || '<tr><td colspan="7">none yet</td></tr>'}</table>` +
        `<h2>Timeline</h2><table><tr><th>At</th><th>Action</th><th>By</th></tr>${timeline.join('')}</table>` +
        `<h2>Execution history</h2><table><tr><th>#</th><th>Time</th><th>Type</th><th>State</th><th>Error</th></tr>${history.join('')}</table></div></div>`,
    );
  };

  /** Handles console routes; returns false for anything else so the edge can answer it. */
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET') return false;
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/' || path === '/index.html') return list(res), true;
    const match = /^\/incidents\/([^/]+)$/.exec(path);
    if (!match) return false;
    const name = decodeURIComponent(match[1]!);
    const execution = [...deps.workflow.executions.values()].find((e) => e.name === name);
    if (!execution) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`No incident ${name}`);
      return true;
    }
    await detail(res, execution);
    return true;
  };
}
