import { lambdaTask, toJson, WORKFLOW_FAILED, type StateMachine, type States, type TaskState } from './asl.js';

/*
 * The source of truth for statemachines/incident-response.asl.json: `npm run build:definition`
 * writes that file from here, and a test fails when they differ. State names are an interface
 * (tests, the operator console and operators' habits refer to them): rename none lightly.
 */

const INCIDENT = { 'incidentId.$': '$.incidentId' };

function pageResponseTeam(event: string, next: string, extra: Record<string, string> = {}): TaskState {
  return lambdaTask({ fn: 'PageResponseTeamFunctionArn', payload: { ...INCIDENT, event, 'executionArn.$': '$$.Execution.Id', ...extra }, resultPath: null, next });
}

interface NamedState {
  name: string;
  comment: string;
}

interface PagedEnding {
  /** The paging state's name. */
  page: string;
  event: string;
  next: string;
}

interface ApproveThenSendNames {
  wait: NamedState;
  escalate: NamedState;
  /** Neither tier decided before its timeout. */
  notApproved: PagedEnding;
  rejected: PagedEnding;
  /** The drafting state: the facts were edited while the notice waited, so it is redrafted and asked again. */
  redraft: string;
  prepare: string;
  send: string;
  confirm: string;
  allSent: string;
  resume: string;
  /** Where the workflow goes once every batch is sent. */
  next: string;
}

/**
 * Wait for approval, escalate to the backup approvers on timeout, then send in bounded batches,
 * looping on the cursor the send step returns. Returned in parts so each caller places its own
 * endings (the first notice stops on them, an update carries on) where the file has them.
 */
function approveThenSend(n: ApproveThenSendNames): { approval: States; notApproved: States; rejected: States; sending: States } {
  const waitFor = (state: NamedState, tier: 'primary' | 'backup', onTimeout: string): TaskState => {
    const timeoutSeconds = `$$.Execution.Input.settings.${tier === 'primary' ? 'approvalTimeoutSeconds' : 'escalationTimeoutSeconds'}`;
    return lambdaTask({
      fn: 'RequestApprovalFunctionArn',
      comment: state.comment,
      waitForTaskToken: true,
      payload: {
        ...INCIDENT,
        'noticeId.$': '$.notice.noticeId',
        tier,
        'taskToken.$': '$$.Task.Token',
        'timeoutSeconds.$': timeoutSeconds,
        // The approval link expires from here, the moment Step Functions' timeout starts.
        'waitEnteredAt.$': '$$.State.EnteredTime',
      },
      timeoutSecondsPath: timeoutSeconds,
      result: ['decision', 'requestId', 'decidedAt'],
      resultPath: '$.approval',
      catch: [
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.approvalTimeout', Next: onTimeout },
        { ErrorEquals: ['NoticeRejectedError'], ResultPath: '$.rejection', Next: n.rejected.page },
        { ErrorEquals: ['NoticeEditedError'], ResultPath: '$.edited', Next: n.redraft },
      ],
      next: n.prepare,
    });
  };
  const slice = `${n.send}: slice`;
  const SLICE = { 'incidentId.$': '$.incidentId', 'noticeId.$': '$.noticeId', 'to.$': '$.to', 'ratePerSecond.$': '$.ratePerSecond' };
  const sliceStates: States = {
    [slice]: lambdaTask({
      fn: 'SendNoticesFunctionArn',
      payload: { ...SLICE, 'fromChunk.$': '$.cursor', 'toChunk.$': '$.to' },
      result: ['done', 'nextChunk', 'sent', 'failed', 'uncertain'],
      resultPath: '$.send',
      retry: [
        // Transient failures for some recipients (throttling, 5xx): back off up to 15 minutes.
        { ErrorEquals: ['DeliveryRetryableError'], IntervalSeconds: 30, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 900, JitterStrategy: 'FULL' },
        // Another invocation holds the batch's claim: wait past its lease rather than send twice.
        { ErrorEquals: ['BatchInFlightError'], IntervalSeconds: 120, MaxAttempts: 10, BackoffRate: 1.5, MaxDelaySeconds: 600 },
      ],
      // A slice never fails the Map: it reports where it stopped and why (a paused account, a spent daily quota, retries spent).
      catchAll: { ResultPath: '$.error', Next: `${n.send}: slice unfinished` },
      next: `${n.send}: slice sent?`,
    }),
    [`${n.send}: slice sent?`]: { Type: 'Choice', Choices: [{ Variable: '$.send.done', BooleanEquals: true, Next: `${n.send}: slice done` }], Default: `${n.send}: next chunks` },
    [`${n.send}: next chunks`]: { Type: 'Pass', Parameters: { ...SLICE, 'cursor.$': '$.send.nextChunk' }, Next: slice },
    [`${n.send}: slice done`]: { Type: 'Pass', Parameters: { done: true }, End: true },
    [`${n.send}: slice unfinished`]: { Type: 'Pass', Parameters: { done: false, 'from.$': '$.cursor', 'to.$': '$.to', 'error.$': '$.error.Error' }, End: true },
  };
  return {
    approval: {
      [n.wait.name]: waitFor(n.wait, 'primary', n.escalate.name),
      [n.escalate.name]: waitFor(n.escalate, 'backup', n.notApproved.page),
    },
    notApproved: { [n.notApproved.page]: pageResponseTeam(n.notApproved.event, n.notApproved.next) },
    rejected: { [n.rejected.page]: pageResponseTeam(n.rejected.event, n.rejected.next, { 'reason.$': '$.rejection.Cause' }) },
    sending: {
      [n.prepare]: lambdaTask({
        fn: 'PlanSendingFunctionArn',
        comment: "Slices the audience and paces the senders together under the account's SES quota; pages the team if the quota is short or sending paused.",
        payload: { ...INCIDENT, 'noticeId.$': '$.notice.noticeId' },
        result: ['slices', 'concurrency', 'ratePerSecond', 'round'],
        resultPath: '$.plan',
        next: n.send,
      }),
      [n.send]: {
        Type: 'Map',
        Comment: 'One sender per slice, MaxConcurrency of them at once; each loops over its chunks. A slice that fails is reported, never stops the others.',
        ItemsPath: '$.plan.slices',
        ItemSelector: {
          ...INCIDENT,
          'noticeId.$': '$.notice.noticeId',
          'cursor.$': '$$.Map.Item.Value.from',
          'to.$': '$$.Map.Item.Value.to',
          'ratePerSecond.$': '$.plan.ratePerSecond',
        },
        MaxConcurrencyPath: '$.plan.concurrency',
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: slice, States: sliceStates },
        ResultPath: '$.sent',
        Retry: [],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: WORKFLOW_FAILED }],
        Next: n.confirm,
      },
      [n.confirm]: lambdaTask({
        fn: 'ConfirmSendingFunctionArn',
        comment: 'Every slice done: the notice is sent. Otherwise the slices left go round again after a wait, and the team is told why.',
        payload: { ...INCIDENT, 'noticeId.$': '$.notice.noticeId', 'results.$': '$.sent', 'plan.$': '$.plan' },
        result: ['done', 'slices', 'concurrency', 'ratePerSecond', 'round', 'waitSeconds'],
        resultPath: '$.plan',
        next: n.allSent,
      }),
      [n.allSent]: { Type: 'Choice', Choices: [{ Variable: '$.plan.done', BooleanEquals: true, Next: n.next }], Default: n.resume },
      [n.resume]: { Type: 'Wait', SecondsPath: '$.plan.waitSeconds', Next: n.send },
    },
  };
}

const firstNotice = approveThenSend({
  wait: { name: 'Wait for approval', comment: 'Emails each approver a personal link and waits for the decision (SendTaskSuccess/Failure from the approval page).' },
  escalate: { name: 'Escalate to backup approvers', comment: 'No decision in time: fresh links to the backup approvers; the first links stop working.' },
  notApproved: { page: 'Page response team: no approval', event: 'approval-timed-out', next: 'No approval: notice not sent' },
  rejected: { page: 'Page response team: notice rejected', event: 'notice-rejected', next: 'Notice rejected: not sent' },
  redraft: 'Draft first notice',
  prepare: 'Prepare to send notices',
  send: 'Send notices',
  confirm: 'Confirm notices sent',
  allSent: 'All notices sent?',
  resume: 'Wait to resume sending notices',
  next: 'Plan next update',
});

const update = approveThenSend({
  wait: { name: 'Wait for update approval', comment: 'Every update is reviewed like the first notice.' },
  escalate: { name: 'Escalate update to backup approvers', comment: 'No decision in time on the update: fresh links to the backup approvers.' },
  // An update that is not approved is skipped: the next one is planned as usual.
  notApproved: { page: 'Page response team: update not approved', event: 'update-not-approved', next: 'Plan next update' },
  rejected: { page: 'Page response team: update rejected', event: 'update-rejected', next: 'Plan next update' },
  redraft: 'Draft update',
  prepare: 'Prepare to send update',
  send: 'Send update',
  confirm: 'Confirm update sent',
  allSent: 'All updates sent?',
  resume: 'Wait to resume sending update',
  next: 'Plan next update',
});

export const incidentResponse: StateMachine = {
  Comment:
    'breach-notice: from a security alarm to approved, exactly-once customer notices and recurring updates until the incident is closed. Payloads carry ids and counts only.',
  StartAt: 'Assess impact',
  States: {
    'Assess impact': lambdaTask({
      fn: 'AssessImpactFunctionArn',
      comment: 'Finds affected customers through the affected resources; stores the audience as id chunks.',
      payload: INCIDENT,
      result: ['scope', 'affectedCustomers', 'severity', 'audienceChunks'],
      resultPath: '$.impact',
      next: 'Page response team',
    }),
    'Page response team': pageResponseTeam('incident-opened', 'Is the scope known?'),
    'Is the scope known?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.impact.scope', StringEquals: 'UNKNOWN', Next: 'Page response team: scope unknown' }],
      Default: 'Draft first notice',
    },
    'Page response team: scope unknown': pageResponseTeam('scope-unknown', 'Scope unknown: no customer notice'),
    'Scope unknown: no customer notice': {
      Type: 'Succeed',
      Comment: 'No known resource maps to customers: the response team investigates; nothing is sent.',
    },
    'Draft first notice': lambdaTask({
      fn: 'DraftNoticeFunctionArn',
      payload: { ...INCIDENT, kind: 'first-notice' },
      result: ['noticeId'],
      resultPath: '$.notice',
      next: 'Wait for approval',
    }),
    ...firstNotice.approval,
    ...firstNotice.notApproved,
    'No approval: notice not sent': {
      Type: 'Fail',
      Error: 'ApprovalTimeoutError',
      Cause: 'Neither the approvers nor the backup approvers decided in time; no customer was notified.',
    },
    ...firstNotice.rejected,
    'Notice rejected: not sent': {
      Type: 'Succeed',
      Comment: 'An approver rejected the wording; the reason is in the audit timeline and was paged to the team.',
    },
    ...firstNotice.sending,
    'Plan next update': lambdaTask({
      fn: 'PlanNextUpdateFunctionArn',
      payload: INCIDENT,
      result: ['nextUpdateAt'],
      resultPath: '$.schedule',
      next: 'Wait until next update',
    }),
    'Wait until next update': { Type: 'Wait', TimestampPath: '$.schedule.nextUpdateAt', Next: 'Draft update' },
    'Draft update': lambdaTask({
      fn: 'DraftNoticeFunctionArn',
      payload: { ...INCIDENT, kind: 'update' },
      result: ['noticeId', 'closed'],
      resultPath: '$.notice',
      next: 'Incident closed?',
    }),
    'Incident closed?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.notice.closed', BooleanEquals: true, Next: 'Send final report' }],
      Default: 'Wait for update approval',
    },
    ...update.approval,
    ...update.rejected,
    ...update.notApproved,
    ...update.sending,
    'Send final report': lambdaTask({ fn: 'SendFinalReportFunctionArn', payload: INCIDENT, resultPath: null, next: 'Incident closed and reported' }),
    'Incident closed and reported': { Type: 'Succeed' },
    [WORKFLOW_FAILED]: lambdaTask({
      fn: 'PageResponseTeamFunctionArn',
      payload: { ...INCIDENT, event: 'workflow-failed', 'executionArn.$': '$$.Execution.Id', 'error.$': '$.error' },
      resultPath: null,
      // Paging failed too: fail the execution all the same; the stack's failed-run rule still alerts.
      catchAll: { ResultPath: '$.pageError', Next: 'Incident workflow failed' },
      next: 'Incident workflow failed',
    }),
    'Incident workflow failed': {
      Type: 'Fail',
      Error: 'IncidentWorkflowError',
      Cause: 'A step failed after its retries; the response team was paged with the error.',
    },
  },
};

export function renderDefinition(): string {
  return toJson(incidentResponse);
}
