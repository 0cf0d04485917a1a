import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudWatchAlarm, guardDutyFinding, macieFinding } from '../../local/tools/sample-alarms.js';
import { emailsTo, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { executionArnOf, makeCustomers, sendAlarm, startScenario, waitForState, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('intk');
const config = testConfig(prefix);
let s: Scenario;

beforeAll(async () => {
  s = await startScenario(prefix, config);
});
afterAll(async () => {
  await s?.system.stop();
});

describe('intake', () => {
  it('a repeated finding joins the open incident: one incident, one execution, both raw events kept', async () => {
    const bucket = `rep-${prefix}`;
    await s.customers.putCustomers(makeCustomers(bucket, bucket, 3));
    const first = guardDutyFinding({ bucket, id: `finding-${prefix}` });
    const repeat = { ...guardDutyFinding({ bucket, id: `finding-${prefix}` }), time: '2026-11-20T09:00:00Z' };

    const a = await sendAlarm(s, first);
    const b = await sendAlarm(s, repeat);
    const c = await sendAlarm(s, first); // EventBridge retries the same event

    expect(a.incidents![0]!.outcome).toBe('opened');
    expect(b.incidents![0]).toEqual({ incidentId: a.incidents![0]!.incidentId, outcome: 'repeated' });
    expect(c.incidents![0]!.incidentId).toBe(a.incidents![0]!.incidentId);
    const incidentId = a.incidents![0]!.incidentId;
    const executions = [...s.system.workflow.executions.values()].filter((e) => e.input.includes(incidentId));
    expect(executions).toHaveLength(1);
    expect(executions[0]!.name).toBe(incidentId);
    expect(await s.incidents.countRawEvents(incidentId)).toBe(2);
    expect((await s.incidents.listTimeline(incidentId)).filter((e) => e.action === 'finding-repeated')).toHaveLength(1);

    await waitForState(s, incidentId, 'Wait for approval');
    await until(async () => (await emailsTo(config.approverEmails[0]!)).length > 0, 'approval email');
    expect(await emailsTo(config.approverEmails[0]!)).toHaveLength(1);
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();
  });

  it('an alarm on resources no customer maps to opens a scope-unknown incident, pages the team, notifies no one and waits for a scope decision', async () => {
    const out = await sendAlarm(s, macieFinding(`nobody-${prefix}`));
    const incidentId = out.incidents![0]!.incidentId;
    await waitForState(s, incidentId, 'Wait for scope decision');
    const incident = await s.incidents.getIncident(incidentId);
    expect(incident.scope).toBe('UNKNOWN');
    const pages = await until(async () => {
      const all = await topicMessages(s.system.responseTeamTopicArn);
      return all.filter((p) => p.message.includes(incidentId)).length >= 2 ? all : undefined;
    }, 'scope-unknown page');
    expect(pages.some((p) => p.subject?.includes('unknown scope') && p.message.includes(incidentId))).toBe(true);
    expect(s.system.workflow.executions.get(executionArnOf(s, incidentId))!.events.some((e) => e.stateName === 'Draft first notice')).toBe(false);
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();
  });

  it.each([
    [
      'a GuardDuty finding without a severity',
      () => {
        const e = guardDutyFinding();
        delete (e.detail as Record<string, unknown>).severity;
        return e;
      },
      'MalformedAlarmError',
    ],
    [
      'a CloudWatch alarm with a bad timestamp',
      () => {
        const e = cloudWatchAlarm();
        (e.detail as { state: { timestamp: string } }).state.timestamp = 'yesterday';
        return e;
      },
      'MalformedAlarmError',
    ],
    ['an event that is not EventBridge at all', () => ({ hello: 'world' }), 'MalformedAlarmError'],
    [
      'an event from a source intake does not know',
      () => ({ ...guardDutyFinding(), source: 'com.example.other', 'detail-type': 'Other' }),
      'UnknownAlarmError',
    ],
  ])('%s is kept, reported once, and starts nothing', async (_label, make, errorName) => {
    const event = make();
    const before = s.system.workflow.executions.size;
    const out = await sendAlarm(s, event);
    const again = await sendAlarm(s, event);
    expect(out).toMatchObject({ outcome: 'rejected', error: errorName });
    expect(again).toMatchObject({ outcome: 'rejected', error: errorName });
    expect(s.system.workflow.executions.size).toBe(before);
    const id = (event as { id?: string }).id;
    const pages = (await topicMessages(s.system.responseTeamTopicArn)).filter(
      (p) => p.subject?.startsWith('Alarm rejected') && (!id || p.message.includes(id)),
    );
    if (id) {
      expect(pages).toHaveLength(1);
      const kept = await s.incidents.getRejectedAlarm(id);
      expect(kept?.reason).toContain(errorName);
      expect(JSON.parse(kept!.rawEvent)).toEqual(event);
    } else {
      expect(pages.length).toBeGreaterThanOrEqual(1);
    }
  });
});
