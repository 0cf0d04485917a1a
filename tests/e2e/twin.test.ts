import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { connect } from 'node:net';
import { GetEmailTemplateCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  paginateGetExecutionHistory,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideByEmail } from '../../local/tools/approval-client.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';

// Only the twin's public surface: `npm start` as a process, the AWS SDK and HTTP. No handler imports.
const credentials = { accessKeyId: 'e2e', secretAccessKey: 'e2e' };
const STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:breach-notice-incident-response';
let twin: ChildProcess;
let edge: string;
let sfn: SFNClient;
let events: EventBridgeClient;
let output = '';

async function until<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Mail {
  Id: string;
  Destination: { ToAddresses: string[] };
  Subject: string;
  Body: { text_part: string | null };
}
const mails = async () => ((await (await fetch(`${edge}/_aws/ses`)).json()) as { messages: Mail[] }).messages;
const sms = async () => ((await (await fetch(`${edge}/_aws/sns/sms-messages`)).json()) as { sms_messages: Record<string, unknown[]> }).sms_messages;
const approvalMails = async () => (await mails()).filter((m) => m.Subject.startsWith('[Approval needed'));
const linkIn = (m: Mail) => /\/approvals\/[A-Za-z0-9_-]{43}/.exec(m.Body.text_part ?? '')![0];

async function putEvent(event: { source: string; 'detail-type': string; detail: unknown; resources?: string[] }) {
  return events.send(
    new PutEventsCommand({
      Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail), Resources: event.resources }],
    }),
  );
}

async function executions() {
  return (await sfn.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE }))).executions ?? [];
}

beforeAll(async () => {
  twin = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    env: { ...process.env, BREACH_NOTICE_PORT: '0', BREACH_NOTICE_TIME_SCALE: '600', BREACH_NOTICE_SETTINGS: '{"updateCadenceHours":1}' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  twin.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  twin.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const ready = await until(async () => /ready in [\d.]+ s: edge (http:\/\/127\.0\.0\.1:\d+)/.exec(output), 'the ready line', 90_000);
  edge = ready[1]!;
  sfn = new SFNClient({ endpoint: edge, region: 'us-east-1', credentials });
  events = new EventBridgeClient({ endpoint: edge, region: 'us-east-1', credentials });
}, 120_000);

afterAll(async () => {
  // A failed test must not leave the twin (and its DynamoDB Local) running: ask, then insist.
  if (twin.exitCode !== null) return;
  const exited = new Promise((resolve) => twin.once('exit', resolve));
  twin.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (twin.exitCode === null) twin.kill('SIGKILL');
});

describe('the local twin, driven through its AWS endpoint', () => {
  it('alarm, approval by link, exactly one notice per customer and channel, an update cycle, close', async () => {
    const finding = guardDutyFinding({ bucket: 'customer-data', id: 'e2e-finding-1' });
    expect((await putEvent(finding)).FailedEntryCount).toBe(0);

    const [execution] = await until(async () => {
      const list = await executions();
      return list.length === 1 ? list : undefined;
    }, 'the execution');
    expect(execution!.name).toMatch(/^inc-20261120-[0-9a-f]{12}$/);

    // The same finding again: still one execution.
    await putEvent(guardDutyFinding({ bucket: 'customer-data', id: 'e2e-finding-1' }));

    const [approval] = await until(async () => ((await approvalMails()).length === 1 ? approvalMails() : undefined), 'the approval email');
    const link = linkIn(approval!);
    const page = await fetch(`${edge}${link}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Approve and send');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: execution!.executionArn }))).status).toBe('RUNNING');
    // Submitting without the emailed code decides nothing.
    expect((await fetch(`${edge}${link}`, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }) })).status).toBe(400);
    expect((await decideByEmail(edge, approval!.Body.text_part ?? '', 'approve')).status).toBe(200);

    const customerMails = async () => (await mails()).filter((m) => m.Destination.ToAddresses[0]!.endsWith('@customers.example.com'));
    await until(async () => (await customerMails()).length >= 1000, '1,000 first notices');
    await until(async () => Object.keys(await sms()).length >= 334, '334 SMS');

    // The update cycle: update 1 is drafted at the (scaled) cadence and needs its own approval.
    const update = await until(async () => (await approvalMails()).find((m) => m.Subject.includes('Customer update 1')), 'the update approval email');
    const incidentId = execution!.name!;
    expect((await decideByEmail(edge, update.Body.text_part ?? '', 'approve')).status).toBe(200);
    await until(async () => (await customerMails()).length >= 2000, '1,000 updates');
    // Closed by the team's command (the next update, drafted or not yet, gives way to the closing notice).
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/tools/incident.ts', 'close', incidentId, 'contained'], {
      env: { ...process.env, BREACH_NOTICE_PORT: new URL(edge).port },
    });
    // Closed: the closing notice is approved like every other, then the final report ends the execution.
    const closing = await until(
      async () => (await approvalMails()).find((m) => m.Subject.includes('Closing customer notice')),
      'the closing notice approval email',
    );
    expect((await decideByEmail(edge, closing.Body.text_part ?? '', 'approve')).status).toBe(200);
    await until(
      async () => (await sfn.send(new DescribeExecutionCommand({ executionArn: execution!.executionArn }))).status === 'SUCCEEDED',
      'the execution to succeed',
      90_000,
    );

    const perCustomer = new Map<string, number>();
    for (const m of await customerMails()) perCustomer.set(m.Destination.ToAddresses[0]!, (perCustomer.get(m.Destination.ToAddresses[0]!) ?? 0) + 1);
    expect(perCustomer.size).toBe(1000);
    expect([...perCustomer.values()].every((n) => n === 3)).toBe(true);
    const texts = await sms();
    expect(Object.keys(texts)).toHaveLength(334);
    expect(Object.values(texts).every((list) => list.length === 3)).toBe(true);
    expect((await mails()).some((m) => m.Subject.startsWith('Final report'))).toBe(true);
    expect(await executions()).toHaveLength(1);

    // The operator's reconciliation view: each notice's own totals per channel, and whom to check.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/tools/incident.ts', 'deliveries', incidentId], {
      env: { ...process.env, BREACH_NOTICE_PORT: new URL(edge).port },
    });
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { noticeId: string; channel: string; sent: number; uncertain: number; uncertainCustomerIds: string[] });
    // The closing notice is the third or, when the close withdrew a drafted second update, the fourth.
    expect(
      rows.map((r) => `${r.noticeId.replace(/^closing-[34]$/, 'closing')} ${r.channel} ${r.sent} ${r.uncertain} ${r.uncertainCustomerIds.length}`).sort(),
    ).toEqual([
      'closing email 1000 0 0',
      'closing sms 334 0 0',
      'first-notice-1 email 1000 0 0',
      'first-notice-1 sms 334 0 0',
      'update-2 email 1000 0 0',
      'update-2 sms 334 0 0',
    ]);

    // What an operator sees through the Step Functions API.
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    expect(machines.stateMachines?.map((m) => m.stateMachineArn)).toEqual([STATE_MACHINE]);
    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: STATE_MACHINE }));
    expect(JSON.parse(machine.definition!).StartAt).toBe('Start counting update cycles');
    // Step Functions pages a history (100 events by default): read every page, as the console does.
    const history: HistoryEvent[] = [];
    for await (const page of paginateGetExecutionHistory({ client: sfn }, { executionArn: execution!.executionArn })) history.push(...(page.events ?? []));
    expect(history[0]?.type).toBe('ExecutionStarted');
    expect(history.at(-1)?.type).toBe('ExecutionSucceeded');
    const entered = history.filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name);
    expect(entered).toEqual(expect.arrayContaining(['Assess impact', 'Wait for approval', 'Send notices', 'Wait for update approval', 'Send final report']));
    expect(history.some((e) => e.type === 'TaskStateEntered')).toBe(true);
    expect(JSON.stringify(history)).not.toContain('@customers.example.com');
  }, 240_000);

  it("errors come in each service's own format, so the SDK raises the named exception", async () => {
    const ses = new SESv2Client({ endpoint: edge, region: 'us-east-1', credentials });
    await expect(ses.send(new GetEmailTemplateCommand({ TemplateName: 'no-such-template' }))).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:nope` })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(events.send(new PutEventsCommand({ Entries: [] }))).rejects.toMatchObject({ name: 'ValidationException' });
    const sns = new SNSClient({ endpoint: edge, region: 'us-east-1', credentials });
    await expect(sns.send(new PublishCommand({ PhoneNumber: 'not-a-number', Message: 'x' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('a request naming another host (a rebound DNS name) is refused on every route; loopback names are served', async () => {
    const { request } = await import('node:http');
    const status = (host: string, target: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(edge, { method: 'POST', headers: { host, 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{}');
      });
    const port = new URL(edge).port;
    for (const target of ['DynamoDB_20120810.ListTables', 'AWSStepFunctions.ListStateMachines']) {
      expect(await status(`rebound.attacker.example:${port}`, target), target).toBe(403);
      expect(await status(`127.0.0.1:${port}`, target), target).not.toBe(403); // reaches the service (which may refuse an unsigned request)
      expect(await status(`localhost:${port}`, target), target).not.toBe(403);
    }
  });

  it('every port the twin and its children listen on is bound to loopback (DynamoDB Local included)', async () => {
    // Prepare: the twin's process tree, from /proc (its DynamoDB Local JVM is a child).
    const tree = new Set([twin.pid!]);
    const parents = async () => {
      const { stdout } = await promisify(execFile)('ps', ['-e', '-o', 'pid=,ppid=']);
      return stdout
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
    };
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of await parents()) if (tree.has(ppid) && !tree.has(pid)) tree.add(pid), (grew = true);
    }
    // Act: every listening TCP socket on the machine, with its owner.
    const { stdout } = await promisify(execFile)('ss', ['-H', '-l', '-t', '-n', '-p']);
    const ours = stdout
      .trim()
      .split('\n')
      .flatMap((line) => {
        const pids = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
        return pids.some((p) => tree.has(p)) ? [line.trim().split(/\s+/)[3]!] : [];
      });
    // Assess: the edge, the emulators, the SNS recorder, the SFN endpoint, the page bucket, DynamoDB Local's JVM.
    expect(ours.length).toBeGreaterThanOrEqual(5);
    expect(tree.size).toBeGreaterThanOrEqual(2);
    for (const address of ours) expect(address, ours.join(' ')).toMatch(/^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]|\[::1\]):\d+$/);
  });

  it('a malformed event and an unmatched event start nothing, and the twin keeps answering', async () => {
    const before = (await executions()).length;
    const broken = guardDutyFinding({ bucket: 'customer-data' });
    delete (broken.detail as Record<string, unknown>).severity;
    const unmatched = { source: 'com.example.billing', 'detail-type': 'Invoice Paid', detail: { amount: 3 } };
    expect((await putEvent(broken)).FailedEntryCount).toBe(0);
    expect((await putEvent(unmatched)).FailedEntryCount).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await executions()).toHaveLength(before);
  });

  it('stops cleanly on SIGTERM and leaves the port closed', async () => {
    const port = Number(new URL(edge).port);
    const exited = new Promise<number | null>((resolve) => twin.once('exit', (code) => resolve(code)));
    twin.kill('SIGTERM');
    expect(await exited).toBe(0);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    expect(open).toBe(false);
  }, 30_000);
});
