import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorConsole } from '../../local/console/operator-console.js';
import { closeServer } from '../../local/emulators/emulators.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { editFacts } from '../../functions/steps/edit-facts.js';
import { emailsTo, sesEmails, smsMessages, testConfig, uniquePrefix, until } from '../support/local.js';
import {
  decide,
  editDeps,
  executionsOf,
  makeCustomers,
  phoneSalt,
  sendAlarm,
  startScenario,
  teamActions,
  waitForState,
  waitForStatus,
  waitForTeamWait,
  type Scenario,
} from '../support/scenario.js';

/**
 * An incident that outlives its executions: a continuation after every notice cycle
 * (UPDATE_CYCLES_PER_EXECUTION=1) and a cadence of seconds, so it hands over three times within the
 * test. The cadence leaves the third execution's wait long enough for the close to find it on a loaded
 * machine (at 10 s the wait had sometimes ended before the close came). Customers must notice nothing: every notice once, the close and the approvals reaching
 * whichever execution runs, one final report; operators see the executions linked both ways.
 */
const prefix = uniquePrefix('cont');
const config = testConfig(prefix);
const approver = config.approverEmails[0]!;
const bucket = `ledger-${prefix}`;
const customers = makeCustomers(prefix, bucket, 12);
let s: Scenario;
let consoleServer: Server;
let consoleUrl: string;

beforeAll(async () => {
  s = await startScenario(prefix, config, {
    // Updates drafted 30 s before they are due: their approvals fitted in the 22 s before the last 8 (16 s, then 6 s).
    envOverrides: { UPDATE_CYCLES_PER_EXECUTION: '1', UPDATE_CADENCE_SECONDS: '40', UPDATE_LEAD_SECONDS: '30' },
    // "Wait until next update" waits as the plan says (seconds here): the close must find it waiting.
    waitTimeOverrides: { 'Wait to resume sending notices': 50, 'Wait to resume sending update': 50 },
  });
  await s.customers.putCustomers(customers);
  const handle = operatorConsole({
    workflow: s.system.workflow,
    incidents: s.incidents,
    notices: s.notices,
    approvals: s.approvals,
    ledger: s.ledger,
    facts: s.facts,
    locales: config.locales,
    operator: 'operator@example.com',
    editFacts: (input) => editFacts(input, editDeps(s)),
    teamActions: teamActions(s),
    mailboxUrl: 'http://mailbox.invalid/',
  });
  consoleServer = createServer((req, res) => void handle(req, res).then((handled) => handled || res.writeHead(404).end()));
  await new Promise<void>((resolve) => consoleServer.listen(0, '127.0.0.1', resolve));
  consoleUrl = `http://127.0.0.1:${(consoleServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await s?.system.stop();
  if (consoleServer) await closeServer(consoleServer);
});

const executionCount = (incidentId: string, n: number) => until(async () => executionsOf(s, incidentId).length >= n, `execution ${n} of ${incidentId}`);

describe('an incident that goes on in new executions', () => {
  it('hands over after each cycle, resumes at the next update, and sends every notice and the report once', async () => {
    // Act: the first notice, approved in the first execution, which then hands over.
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await decide(s, approver, 'approve', 1);
    await executionCount(incidentId, 2);
    // Update 1 is asked for (a cadence after the first notice was drafted) and approved in the second execution, which hands over too.
    await waitForState(s, incidentId, 'Wait for update approval', 120_000);
    await decide(s, approver, 'approve', 2);
    await executionCount(incidentId, 3);
    // The third waits for the next update: the team's close reaches that wait.
    await waitForTeamWait(s, incidentId, 'Wait until next update', 'next-update');
    const closed = await teamActions(s).close({ incidentId, author: 'lead@example.com' });
    // The closing notice, approved in the third execution; the fourth finds nothing left and reports.
    await decide(s, approver, 'approve', 3);
    expect(await waitForStatus(s, incidentId, ['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'])).toBe('SUCCEEDED');

    // Assess: four executions, each of the first three ending in the hand-over, the last in the report.
    expect(closed.resumed).toContain('next-update');
    const chain = executionsOf(s, incidentId);
    expect(chain.map((e) => e.name)).toEqual([incidentId, `${incidentId}--2`, `${incidentId}--3`, `${incidentId}--4`]);
    const lastState = (i: number) => chain[i]!.events.filter((ev) => ev.type === 'StateEntered').at(-1)?.stateName;
    expect(chain.map((e, i) => `${e.status} ${lastState(i)}`)).toEqual([
      'SUCCEEDED Continued in a new execution',
      'SUCCEEDED Continued in a new execution',
      'SUCCEEDED Continued in a new execution',
      'SUCCEEDED Incident closed and reported',
    ]);
    // Each continuation resumed at the next update, from its predecessor, with ids and settings only.
    for (const [i, e] of chain.entries()) {
      const entered = e.events.filter((ev) => ev.type === 'StateEntered').map((ev) => ev.stateName);
      if (i === 0) {
        expect(JSON.parse(e.input)).toEqual({ incidentId, settings: expect.objectContaining({ updateCyclesPerExecution: 1 }) });
        expect(entered.slice(0, 3)).toEqual(['Start counting update cycles', 'Continued from an earlier execution?', 'Assess impact']);
      } else {
        expect(JSON.parse(e.input)).toEqual({
          incidentId,
          settings: JSON.parse(chain[0]!.input).settings,
          continuation: { from: chain[i - 1]!.executionArn, sequence: i + 1 },
        });
        expect(entered.slice(0, 3)).toEqual(['Start counting update cycles', 'Continued from an earlier execution?', 'Plan next update']);
        expect(entered).not.toContain('Assess impact');
      }
    }

    // The timeline links each execution to the next, both ways; the incident names the one that ran last.
    const timeline = await s.incidents.listTimeline(incidentId);
    const handOvers = timeline.filter((t) => t.action === 'execution-continued').sort((a, b) => a.at.localeCompare(b.at));
    expect(handOvers.map((t) => t.detail)).toEqual(
      [1, 2, 3].map((i) => ({
        from: chain[i - 1]!.name,
        fromExecutionArn: chain[i - 1]!.executionArn,
        to: chain[i]!.name,
        toExecutionArn: chain[i]!.executionArn,
        sequence: i + 1,
      })),
    );
    expect(timeline.find((t) => t.action === 'workflow-started')?.detail).toEqual({ executionArn: chain[0]!.executionArn });
    expect((await s.incidents.getIncident(incidentId)).currentExecution).toEqual({ name: chain[3]!.name, executionArn: chain[3]!.executionArn, sequence: 4 });

    // Customers: the first notice, update 1 and the closing notice, each exactly once, by email and by SMS where chosen.
    const mail = await sesEmails((e) => /^c\d+\./.test(e.destination.to[0]!) && e.destination.to[0]!.endsWith(`.${prefix}@example.com`));
    const byAddress = new Map<string, number>();
    for (const m of mail) byAddress.set(m.destination.to[0]!, (byAddress.get(m.destination.to[0]!) ?? 0) + 1);
    expect([...byAddress.values()]).toEqual(customers.map(() => 3));
    const sms = await smsMessages();
    for (const c of customers.filter((c) => c.profile.channels.includes('sms'))) expect(sms[c.profile.phone!]?.length, c.profile.phone).toBe(3);
    expect((await s.ledger.outcomesForCustomer(customers[0]!.profile.customerId)).map((o) => `${o.noticeId}/${o.channel}`).sort()).toEqual([
      'closing-3/email',
      'closing-3/sms',
      'first-notice-1/email',
      'first-notice-1/sms',
      'update-2/email',
      'update-2/sms',
    ]);
    // Three approvals asked for, three decided, and one final report.
    expect((await emailsTo(approver)).filter((m) => m.subject.includes('[Approval needed')).length).toBe(3);
    expect((await emailsTo(approver)).filter((m) => m.subject.startsWith('Final report'))).toHaveLength(1);

    // No customer data in any execution's history or input.
    const histories = JSON.stringify(chain.map((e) => [e.input, e.events]));
    expect(histories).not.toMatch(new RegExp(`c\\d+\\.${prefix}@example\\.com`));
    expect(histories).not.toContain(`+4477${phoneSalt(prefix)}`);

    // The console: one row for the incident with its executions; each execution's page links the one before and after.
    const list = await (await fetch(`${consoleUrl}/`)).text();
    expect(list.match(new RegExp(`>${incidentId}<`, 'g'))).toHaveLength(2);
    for (const e of chain) expect(list).toContain(`href="/incidents/${incidentId}?execution=${e.name}"`);
    const second = await (await fetch(`${consoleUrl}/incidents/${incidentId}?execution=${chain[1]!.name}`)).text();
    expect(second).toContain(`Execution history of ${chain[1]!.name}`);
    // Its row in the executions table: shown (not a link), continued from the first, continued in the third.
    const shown = second.split('<tr>').find((r) => r.startsWith(`<td><strong>${chain[1]!.name}</strong>`))!;
    expect(shown).toContain(`href="/incidents/${incidentId}?execution=${chain[0]!.name}"`);
    expect(shown).toContain(`href="/incidents/${incidentId}?execution=${chain[2]!.name}"`);
    expect(second).toMatch(new RegExp(`<td>execution-continued</td><td>workflow</td><td><a [^>]*>${chain[0]!.name}</a> → <a [^>]*>${chain[1]!.name}</a>`));
    const current = await (await fetch(`${consoleUrl}/incidents/${incidentId}`)).text();
    expect(current).toContain(`Execution history of ${chain[3]!.name}`);
  });
});
