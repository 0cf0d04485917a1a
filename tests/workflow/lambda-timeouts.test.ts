import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackTransform } from '../../local/twin/from-stack.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { startLocalSystem } from '../../local/twin/system.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { endpoints, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { executionArnOf, makeCustomers, sendAlarm, startScenario, waitForStatus, type Scenario } from '../support/scenario.js';

// Each function runs with its template's timeout and variables (local/twin/lambda-runtime.ts): these tests
// change the synthesized stack the twin reads and show the twin failing as Lambda and Step Functions would.
const prefix = uniquePrefix('ltmo');
const config = testConfig(prefix);
const bucket = `ltmo-${prefix}`;

/** Sets a function's Timeout in the synthesized stack, as a one-line change to its descriptor would. */
const withTimeout =
  (handler: string, seconds: number): StackTransform =>
  (stack) => {
    const [logicalId] = Object.entries(stack.handlers).find(([, h]) => h === handler)!;
    stack.resources[logicalId]!.Properties!.Timeout = seconds;
  };

let s: Scenario;
let ses: FaultProxy;

beforeAll(async () => {
  // The approval emails of this file take 3 s to be answered: a slow provider call.
  ses = await startFaultProxy(
    endpoints().ses,
    (req) => (req.path.startsWith('/v2/email/outbound-emails') && req.body.includes(prefix) ? 'delay' : 'pass'),
    3_000,
  );
  s = await startScenario(prefix, config, {
    endpoints: { ...endpoints(), ses: ses.url },
    transformStack: withTimeout('wait-for-approval', 1),
    // The retriers of the approval wait, in order: Lambda's service errors, then DependencyError and Sandbox.Timedout.
    retryIntervalOverrides: { 'Wait for approval': [10, 10] },
  });
  await s.customers.putCustomers(makeCustomers(bucket, bucket, 3));
});
afterAll(async () => {
  await s?.system.stop();
  await ses?.close();
});

describe("a function's timeout, from the template", () => {
  it('wait-for-approval at a 1 s timeout with a slow call is cut at its timeout as in Lambda; Step Functions retries it, then its catch pages the team', async () => {
    // Act
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    expect(await waitForStatus(s, incidentId, ['FAILED', 'SUCCEEDED'])).toBe('FAILED');

    // Assess: middy ends the handler EARLY_TIMEOUT_MS before Lambda would (its timeoutEarlyInMillis, from the
    // context's remaining time), and the handler names that TimeoutError a DependencyError: that retrier
    // (5 attempts) ran out, then the catch-all took the error. A function that ignored its remaining time
    // would end as Sandbox.Timedout instead (tests/infra/lambda-sandboxes.test.ts).
    const events = s.system.workflow.executions.get(executionArnOf(s, incidentId))!.events;
    const failures = events.filter((e) => e.type === 'StateFailed' && e.stateName === 'Wait for approval');
    expect(failures).toHaveLength(6);
    for (const failure of failures) {
      expect(failure.error).toBe('DependencyError');
      expect(JSON.parse(failure.cause!)).toEqual({ errorType: 'DependencyError', errorMessage: 'TimeoutError: [AbortError]: The operation was aborted.' });
    }
    const caught = events.find((e) => e.type === 'StateEntered' && e.stateName === 'Page response team: workflow failed')?.input as {
      error: { Error: string };
    };
    expect(caught.error.Error).toBe('DependencyError');
    const page = await until(
      async () =>
        (await topicMessages(s.system.responseTeamTopicArn)).find((m) => m.message.startsWith('Incident workflow failed') && m.message.includes(incidentId)),
      'the workflow-failed page',
    );
    expect(page.message).toContain(
      'Error: DependencyError: {"errorType":"DependencyError","errorMessage":"TimeoutError: [AbortError]: The operation was aborted."}',
    );
  });
});

describe("a function's variables, from the template", () => {
  it("a variable taken out of wait-for-approval's environment fails it at start with its configuration error, as its init would in Lambda", async () => {
    const other = uniquePrefix('lvar');
    const started = startLocalSystem({
      endpoints: endpoints(),
      config,
      namePrefix: other,
      approvalBaseUrl: 'https://approvals.example.com',
      transformStack: (stack) => {
        const [logicalId] = Object.entries(stack.handlers).find(([, h]) => h === 'wait-for-approval')!;
        delete (stack.resources[logicalId]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.APPROVER_EMAILS;
      },
    });
    await expect(started).rejects.toThrow(/^breach-notice-wait-for-approval failed to start: ConfigurationError: .*APPROVER_EMAILS/);
  });
});
