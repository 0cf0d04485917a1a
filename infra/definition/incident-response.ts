import { lambdaTask, toJson, WORKFLOW_FAILED, type StateMachine, type States, type TaskState } from './asl.js';

/*
 * The source of truth for statemachines/incident-response.asl.json: `npm run build:definition`
 * writes that file from here, and a test fails when they differ. State names are an interface
 * (tests, the operator console and operators' habits refer to them): rename none lightly.
 */

const INCIDENT = { 'incidentId.$': '$.incidentId' };

function pageResponseTeam(event: string, next: string, extra: Record<string, string> = {}): TaskState {
  return lambdaTask({ fn: 'page-response-team', payload: { ...INCIDENT, event, 'executionArn.$': '$$.Execution.Id', ...extra }, resultPath: null, next });
}

/** A page before (or within) a wait on the team: it returns the wait's next timeout, doubling from teamReminderSeconds to a day. */
function pageThenWait(event: string, next: string, extra: Record<string, string> = {}): TaskState {
  return lambdaTask({
    fn: 'page-response-team',
    payload: {
      ...INCIDENT,
      event,
      'executionArn.$': '$$.Execution.Id',
      'reminderSeconds.$': '$$.Execution.Input.settings.teamReminderSeconds',
      ...ENTERED,
      ...extra,
    },
    result: ['nextReminderSeconds'],
    resultPath: '$.reminder',
    next,
  });
}

const ENTERED = { 'enteredAt.$': '$$.State.EnteredTime' };
/** Set by the page before each wait on the team (pageThenWait). */
const REMINDER_TIMEOUT = '$.reminder.nextReminderSeconds';

/**
 * The workflow waits on the response team (a scope decision, a redraft, the next update that a close
 * brings forward): the task token is kept by the wait-for-team step and resumed by the team's command,
 * console or API. `onTimeout` is a reminder that comes back here, or (next update) simply the way on.
 */
function waitOnTeam(o: {
  kind: 'scope' | 'redraft' | 'next-update';
  comment: string;
  timeoutSecondsPath: string;
  onTimeout: string;
  next: string;
  withNotice?: boolean;
}): TaskState {
  return lambdaTask({
    fn: 'wait-for-team',
    comment: o.comment,
    waitForTaskToken: true,
    payload: { ...INCIDENT, kind: o.kind, 'taskToken.$': '$$.Task.Token', ...(o.withNotice ? { 'noticeId.$': '$.notice.noticeId' } : {}) },
    timeoutSecondsPath: o.timeoutSecondsPath,
    result: ['closed', 'by'],
    resultPath: '$.team',
    catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.waited', Next: o.onTimeout }],
    next: o.next,
  });
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
  /**
   * The drafting state: the facts were edited while the notice waited, or it was approved too late to
   * keep the time it promises customers (PromisePassedError), so it is redrafted and asked again.
   */
  redraft: string;
  /** Where the approval tiers' timeouts are read. @default the execution input's settings */
  timeouts?: { primary: string; backup: string };
  prepare: string;
  send: string;
  confirm: string;
  allSent: string;
  resume: string;
  /** Every slice done, a lost call's evidence window not over: waits for SES's events before settling its recipients. */
  evidence: string;
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
    // TimeoutSecondsPath is a reference path into the state's input, where the context object ($$) is
    // not allowed (https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html,
    // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html). The
    // execution input's `settings` are still there: every state before keeps its whole input (a test
    // holds it); so is the draft's result, with an update's timeouts fitted before it is due.
    const timeouts = n.timeouts ?? { primary: '$.settings.approvalTimeoutSeconds', backup: '$.settings.escalationTimeoutSeconds' };
    const timeoutSeconds = timeouts[tier];
    return lambdaTask({
      fn: 'wait-for-approval',
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
      fn: 'send-notices',
      payload: { ...SLICE, 'fromChunk.$': '$.cursor', 'toChunk.$': '$.to' },
      result: ['done', 'nextChunk', 'sent', 'failed', 'uncertain'],
      resultPath: '$.send',
      retry: [
        // Transient failures for some recipients (throttling, 5xx): back off up to 15 minutes.
        { ErrorEquals: ['DeliveryRetryableError'], IntervalSeconds: 30, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 900, JitterStrategy: 'FULL' },
        // Another invocation holds the batch's claim: wait past its lease rather than send twice.
        { ErrorEquals: ['BatchInFlightError'], IntervalSeconds: 120, MaxAttempts: 10, BackoffRate: 1.5, MaxDelaySeconds: 600 },
      ],
      // A refusal waiting will not fix (no retrier names it) ends the slice at once, with the provider's reason for the page.
      catch: [{ ErrorEquals: ['ProviderRefusedError'], ResultPath: '$.error', Next: `${n.send}: slice refused` }],
      // A slice never fails the Map: it reports where it stopped and why (a paused account, a spent daily quota, retries spent).
      catchAll: { ResultPath: '$.error', Next: `${n.send}: slice unfinished` },
      next: `${n.send}: slice sent?`,
    }),
    [`${n.send}: slice sent?`]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.send.done', BooleanEquals: true, Next: `${n.send}: slice done` }],
      Default: `${n.send}: next chunks`,
    },
    [`${n.send}: next chunks`]: { Type: 'Pass', Parameters: { ...SLICE, 'cursor.$': '$.send.nextChunk' }, Next: slice },
    [`${n.send}: slice done`]: { Type: 'Pass', Parameters: { done: true }, End: true },
    [`${n.send}: slice unfinished`]: { Type: 'Pass', Parameters: { done: false, 'from.$': '$.cursor', 'to.$': '$.to', 'error.$': '$.error.Error' }, End: true },
    // The Cause is Lambda's JSON of the error (its message names provider and reason, no address), only for this error: a payload stays small.
    [`${n.send}: slice refused`]: {
      Type: 'Pass',
      Parameters: { done: false, 'from.$': '$.cursor', 'to.$': '$.to', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
      End: true,
    },
  };
  return {
    approval: {
      [n.wait.name]: waitFor(n.wait, 'primary', n.escalate.name),
      [n.escalate.name]: waitFor(n.escalate, 'backup', n.notApproved.page),
    },
    // An update not approved is asked again at once: the time keeps each such page from being taken for a repeat.
    notApproved: { [n.notApproved.page]: pageResponseTeam(n.notApproved.event, n.notApproved.next, ENTERED) },
    // Rejected again after a redraft: the time keeps the second page from being taken for a repeat of the first.
    rejected: { [n.rejected.page]: pageThenWait(n.rejected.event, n.rejected.next, { 'reason.$': '$.rejection.Cause' }) },
    sending: {
      [n.prepare]: lambdaTask({
        fn: 'prepare-sending',
        comment:
          "Slices the audience and paces the senders together under the account's SES quota; pages the team if the quota is short or sending paused. Sends nothing approved too late for the time it promises customers.",
        payload: { ...INCIDENT, 'noticeId.$': '$.notice.noticeId' },
        result: ['slices', 'concurrency', 'ratePerSecond', 'round'],
        resultPath: '$.plan',
        catch: [{ ErrorEquals: ['PromisePassedError'], ResultPath: '$.promisePassed', Next: n.redraft }],
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
        fn: 'confirm-sent',
        comment: 'Every slice done: the notice is sent. Otherwise the slices left go round again after a wait, and the team is told why.',
        payload: { ...INCIDENT, 'noticeId.$': '$.notice.noticeId', 'results.$': '$.sent', 'plan.$': '$.plan' },
        result: ['done', 'slices', 'concurrency', 'ratePerSecond', 'round', 'waitSeconds', 'awaitingEvidence', 'fallback', 'lateEvidence'],
        resultPath: '$.plan',
        next: n.allSent,
      }),
      [n.allSent]: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.plan.done', BooleanEquals: true, Next: n.next },
          { Variable: '$.plan.awaitingEvidence', BooleanEquals: true, Next: n.evidence },
        ],
        Default: n.resume,
      },
      [n.resume]: { Type: 'Wait', SecondsPath: '$.plan.waitSeconds', Next: n.send },
      // A send call lost its answer: SES events under the message tags will say whether it went out. The Map then
      // runs no slice, and the confirm step settles the lost calls' recipients by that evidence.
      [n.evidence]: { Type: 'Wait', SecondsPath: '$.plan.waitSeconds', Next: n.send },
    },
  };
}

const firstNotice = approveThenSend({
  wait: {
    name: 'Wait for approval',
    comment: 'Emails each approver a personal link and waits for the decision (SendTaskSuccess/Failure from the approval page).',
  },
  escalate: { name: 'Escalate to backup approvers', comment: 'No decision in time: fresh links to the backup approvers; the first links stop working.' },
  notApproved: { page: 'Page response team: no approval', event: 'approval-timed-out', next: 'No approval: notice not sent' },
  rejected: { page: 'Page response team: notice rejected', event: 'notice-rejected', next: 'Wait for redraft' },
  // An edit of the facts, a scope decision or a close took the approval back: the audience is looked at again, then drafted again.
  redraft: 'Apply scope decision',
  prepare: 'Prepare to send notices',
  send: 'Send notices',
  confirm: 'Confirm notices sent',
  allSent: 'All notices sent?',
  resume: 'Wait to resume sending notices',
  evidence: 'Wait for delivery evidence',
  next: 'Publish incident page',
});

const update = approveThenSend({
  wait: {
    name: 'Wait for update approval',
    comment: 'Every update is reviewed like the first notice, in time for it to go out by the time customers were promised.',
  },
  escalate: { name: 'Escalate update to backup approvers', comment: 'No decision in time on the update: fresh links to the backup approvers.' },
  // Not approved by the time it had to be: paged, then planned again, which drafts it at once (customers are owed it).
  notApproved: { page: 'Page response team: update not approved', event: 'update-not-approved', next: 'Count update cycles' },
  rejected: { page: 'Page response team: update rejected', event: 'update-rejected', next: 'Wait for update redraft' },
  redraft: 'Apply scope decision to update',
  prepare: 'Prepare to send update',
  send: 'Send update',
  confirm: 'Confirm update sent',
  allSent: 'All updates sent?',
  resume: 'Wait to resume sending update',
  evidence: 'Wait for update delivery evidence',
  next: 'Publish incident page',
  // Fitted by the draft to end a sending margin before the update is due (functions/domain/promises.ts).
  timeouts: { primary: '$.notice.approvalSeconds', backup: '$.notice.escalationSeconds' },
});

/** Segments of the directory scanned at once: DynamoDB Local shares this machine's cores; AWS takes more. */
const ASSESS_CONCURRENCY = 10;

/**
 * An impact assessment at one place in the workflow (domain/assessment.ts): the plan (the assessment
 * stands when no scope decision came since), then a Map over the directory's scan segments, a Map
 * writing the audience chunks each segment begins, and the save that points the incident at them.
 * Both Maps are DISTRIBUTED, so at a million customers no invocation reads more than a segment and the
 * parent's history holds a few events per Map.
 */
function assessment(name: string, comment: string, next: string): States {
  const [scan, write, save, check] = [`${name}: scan directory`, `${name}: write audience chunks`, `${name}: save assessment`, `${name}: directory to scan?`];
  const child = (phase: 'segment' | 'chunks', payload: Record<string, string>, result: string[]): States => ({
    [`${phase === 'segment' ? scan : write}: segment`]: lambdaTask({
      fn: 'assess-impact',
      payload: { ...INCIDENT, phase, ...payload },
      // Only what the Map collects: its results are one more state payload (256 KiB).
      result,
      resultPath: '$',
      // A segment that fails fails the Map, which pages the team: an audience is never saved with a segment missing.
      catchAll: 'fail',
      next: { end: true },
    }),
  });
  return {
    [name]: lambdaTask({
      fn: 'assess-impact',
      comment,
      payload: { ...INCIDENT, phase: 'plan' },
      result: ['scope', 'affectedCustomers', 'severity', 'audienceChunks', 'scopeVersion', 'segments'],
      resultPath: '$.impact',
      next: check,
    }),
    [check]: {
      Type: 'Choice',
      Comment: 'No segments: the assessment stands (no scope decision since it was made).',
      Choices: [{ Variable: '$.impact.segments[0]', IsPresent: true, Next: scan }],
      Default: next,
    },
    [scan]: {
      Type: 'Map',
      Comment: 'Each segment resolves the scope for its customers and keeps its members per locale; the results are counts, never ids.',
      ItemsPath: '$.impact.segments',
      ItemSelector: {
        ...INCIDENT,
        'segment.$': '$$.Map.Item.Value',
        'segments.$': '$.impact.segments',
        'scopeVersion.$': '$.impact.scopeVersion',
      },
      MaxConcurrency: ASSESS_CONCURRENCY,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: `${scan}: segment`,
        States: child('segment', { 'segment.$': '$.segment', 'totalSegments.$': 'States.ArrayLength($.segments)', 'scopeVersion.$': '$.scopeVersion' }, [
          'segment',
          'counts',
          'chunkSize',
        ]),
      },
      ResultPath: '$.assessed',
      Retry: [],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: WORKFLOW_FAILED }],
      Next: write,
    },
    [write]: {
      Type: 'Map',
      Comment: "Each segment writes the chunks that begin in it (a locale's members over all segments, cut every chunk size).",
      ItemsPath: '$.assessed',
      ItemSelector: { ...INCIDENT, 'segment.$': '$$.Map.Item.Value.segment', 'scopeVersion.$': '$.impact.scopeVersion', 'segments.$': '$.assessed' },
      MaxConcurrency: ASSESS_CONCURRENCY,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: `${write}: segment`,
        States: child('chunks', { 'segment.$': '$.segment', 'scopeVersion.$': '$.scopeVersion', 'segments.$': '$.segments' }, ['segment', 'chunks']),
      },
      ResultPath: null,
      Retry: [],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: WORKFLOW_FAILED }],
      Next: save,
    },
    [save]: lambdaTask({
      fn: 'assess-impact',
      comment: 'Sums the segments, sets the severity and points the incident at the chunks, all written by now.',
      payload: { ...INCIDENT, phase: 'save', 'scopeVersion.$': '$.impact.scopeVersion', 'segments.$': '$.assessed' },
      result: ['scope', 'affectedCustomers', 'severity', 'audienceChunks'],
      resultPath: '$.impact',
      next,
    }),
  };
}

export const incidentResponse: StateMachine = {
  Comment:
    'breach-notice: from a security alarm to approved, exactly-once customer notices and recurring updates until the incident is closed. Payloads carry ids and counts only.',
  StartAt: 'Start counting update cycles',
  States: {
    'Start counting update cycles': { Type: 'Pass', Result: { count: 0 }, ResultPath: '$.cycles', Next: 'Continued from an earlier execution?' },
    'Continued from an earlier execution?': {
      Type: 'Choice',
      Comment:
        'A long incident goes on in a new execution (see Continue in a new execution?), which resumes where the last one stopped: planning the next update.',
      Choices: [{ Variable: '$.continuation', IsPresent: true, Next: 'Plan next update' }],
      Default: 'Assess impact',
    },
    ...assessment('Assess impact', 'Finds affected customers through the affected resources; stores the audience as id chunks.', 'Page response team'),
    'Page response team': pageResponseTeam('incident-opened', 'Is the scope known?'),
    'Is the scope known?': {
      Type: 'Choice',
      Choices: [
        { Variable: '$.impact.scope', StringEquals: 'UNKNOWN', Next: 'Page response team: scope unknown' },
        { Variable: '$.impact.scope', StringEquals: 'NONE', Next: 'Send final report' },
      ],
      Default: 'Start regulator clocks',
    },
    'Start regulator clocks': lambdaTask({
      fn: 'start-regulator-clocks',
      comment:
        'The legal deadlines that apply to this impact (countries, data categories, sectors), each a clock with reminders; idempotent, so a new scope adds what it brings.',
      payload: INCIDENT,
      resultPath: null,
      // The clocks are assistance: their failure is paged, never holds back the customers' notice.
      catchAll: { ResultPath: '$.error', Next: 'Page response team: clocks not started' },
      next: 'Draft first notice',
    }),
    'Page response team: clocks not started': pageResponseTeam('regulator-clocks-failed', 'Draft first notice', { 'error.$': '$.error', ...ENTERED }),
    // Entered again when a decision still finds nobody: the time makes each page its own.
    'Page response team: scope unknown': pageThenWait('scope-unknown', 'Wait for scope decision'),
    'Wait for scope decision': waitOnTeam({
      kind: 'scope',
      comment: 'No known resource maps to customers: people decide who is affected (all, resources, ids, a segment, or nobody). Never ends silently.',
      timeoutSecondsPath: REMINDER_TIMEOUT,
      onTimeout: 'Remind team: scope decision',
      next: 'Scope decided or closed?',
    }),
    'Remind team: scope decision': pageThenWait('scope-decision-overdue', 'Wait for scope decision'),
    'Scope decided or closed?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.team.closed', BooleanEquals: true, Next: 'Send final report' }],
      Default: 'Apply scope decision',
    },
    ...assessment(
      'Apply scope decision',
      "Applies the team's scope decisions in order over the alarm's own scope; unchanged when there is no new decision.",
      'Is the scope known?',
    ),
    'Draft first notice': lambdaTask({
      fn: 'draft-notice',
      payload: { ...INCIDENT, kind: 'first-notice' },
      result: ['noticeId', 'closed'],
      resultPath: '$.notice',
      next: 'First notice needed?',
    }),
    'First notice needed?': {
      Type: 'Choice',
      Comment: 'Closed before any notice went out (a false alarm): the final report, no customer notice.',
      Choices: [{ Variable: '$.notice.closed', BooleanEquals: true, Next: 'Send final report' }],
      Default: 'Wait for approval',
    },
    ...firstNotice.approval,
    ...firstNotice.notApproved,
    'No approval: notice not sent': {
      Type: 'Fail',
      Error: 'ApprovalTimeoutError',
      Cause: 'Neither the approvers nor the backup approvers decided in time; no customer was notified.',
    },
    ...firstNotice.rejected,
    'Wait for redraft': waitOnTeam({
      kind: 'redraft',
      comment: 'An approver rejected the wording (the reason was paged): the team edits the facts, asks for a redraft as is, or closes.',
      timeoutSecondsPath: REMINDER_TIMEOUT,
      onTimeout: 'Remind team: redraft',
      next: 'Redraft or close?',
      withNotice: true,
    }),
    'Remind team: redraft': pageThenWait('redraft-overdue', 'Wait for redraft'),
    'Redraft or close?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.team.closed', BooleanEquals: true, Next: 'Send final report' }],
      Default: 'Apply scope decision',
    },
    ...firstNotice.sending,
    'Publish incident page': lambdaTask({
      fn: 'publish-incident-page',
      comment: 'The public page per locale, from the notices sent (the one just approved and sent included); announced to the public channels.',
      payload: { ...INCIDENT, 'noticeId.$': '$.notice.noticeId' },
      resultPath: null,
      // Customers were told; a page that did not publish is paged and tried again with the next notice.
      catchAll: { ResultPath: '$.error', Next: 'Page response team: incident page not published' },
      next: 'Count update cycles',
    }),
    'Page response team: incident page not published': pageResponseTeam('page-not-published', 'Count update cycles', { 'error.$': '$.error', ...ENTERED }),
    // A cycle ends here with nothing pending (no approval, no send, no wait on the team), so the next
    // execution can start where this one stops. infra/definition/continuation.ts sets the bound.
    'Count update cycles': {
      Type: 'Pass',
      Parameters: { 'count.$': 'States.MathAdd($.cycles.count, 1)' },
      ResultPath: '$.cycles',
      Next: 'Continue in a new execution?',
    },
    'Continue in a new execution?': {
      Type: 'Choice',
      Comment:
        'Step Functions keeps at most 25,000 history events and a year per execution: after settings.updateCyclesPerExecution notice cycles the incident goes on in a new one.',
      Choices: [{ Variable: '$.cycles.count', NumericGreaterThanEqualsPath: '$.settings.updateCyclesPerExecution', Next: 'Start the next execution' }],
      Default: 'Plan next update',
    },
    'Start the next execution': lambdaTask({
      fn: 'start-next-execution',
      comment:
        "Starts <incidentId>--<n+1> with the incident id and settings (ids only) and makes it the incident's current execution, linked from this one on the timeline.",
      payload: { ...INCIDENT, 'executionArn.$': '$$.Execution.Id', 'stateMachineArn.$': '$$.StateMachine.Id', 'settings.$': '$.settings' },
      result: ['executionArn', 'name'],
      resultPath: '$.continuedIn',
      next: 'Continued in a new execution',
    }),
    'Continued in a new execution': { Type: 'Succeed', Comment: 'The incident goes on in the execution just started; this one ends here.' },
    'Plan next update': lambdaTask({
      fn: 'plan-next-update',
      payload: INCIDENT,
      result: ['nextUpdateAt', 'waitSeconds'],
      resultPath: '$.schedule',
      next: 'Wait until next update',
    }),
    'Wait until next update': waitOnTeam({
      kind: 'next-update',
      comment:
        'Until a lead before the update is due, so approval and sending finish by the time customers were promised; closing the incident ends the wait at once (the closing notice is drafted next).',
      timeoutSecondsPath: '$.schedule.waitSeconds',
      onTimeout: 'Apply scope decision to update',
      next: 'Apply scope decision to update',
    }),
    ...assessment(
      'Apply scope decision to update',
      'A scope decision since the last notice: the next one goes to the new audience (notices sent stand).',
      'Update regulator clocks',
    ),
    'Update regulator clocks': lambdaTask({
      fn: 'start-regulator-clocks',
      comment: 'A wider scope can bring new obligations; existing clocks keep running as they are.',
      payload: INCIDENT,
      resultPath: null,
      catchAll: { ResultPath: '$.error', Next: 'Page response team: clocks not updated' },
      next: 'Draft update',
    }),
    'Page response team: clocks not updated': pageResponseTeam('regulator-clocks-failed', 'Draft update', { 'error.$': '$.error', ...ENTERED }),
    'Draft update': lambdaTask({
      fn: 'draft-notice',
      payload: { ...INCIDENT, kind: 'update' },
      result: ['noticeId', 'closed', 'approvalSeconds', 'escalationSeconds'],
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
    'Wait for update redraft': waitOnTeam({
      kind: 'redraft',
      comment: 'An approver rejected the update: the team edits the facts, asks for a redraft as is, or closes (then the closing notice is drafted).',
      timeoutSecondsPath: REMINDER_TIMEOUT,
      onTimeout: 'Remind team: update redraft',
      next: 'Apply scope decision to update',
      withNotice: true,
    }),
    'Remind team: update redraft': pageThenWait('redraft-overdue', 'Wait for update redraft'),
    ...update.notApproved,
    ...update.sending,
    'Send final report': lambdaTask({ fn: 'send-final-report', payload: INCIDENT, resultPath: null, next: 'Incident closed and reported' }),
    'Incident closed and reported': { Type: 'Succeed' },
    [WORKFLOW_FAILED]: lambdaTask({
      fn: 'page-response-team',
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
