/*
 * Returning a decision: handing an approver's decision back to the Step Functions task that waits for
 * it (SendTaskSuccess/Failure), by whichever sender holds the callback's lease. "Deliver" is kept for
 * notices to customers.
 */
import type { ApprovalStorePort, IncidentStorePort, NoticeStorePort, TaskCallbacks } from '../domain/ports.js';
import { TASK_GONE_ERRORS, type ApprovalRequest } from '../domain/approval.js';
import { NoticeEditedError, NoticeRejectedError } from '../shared/errors.js';
import { settleFaqDecision, type QuestionsPort } from './answer-question.js';

export interface FaqSettlementDeps {
  questions: Pick<QuestionsPort, 'setFaqState' | 'getQuestion'>;
  /** Re-renders the incident's public page (the publish-incident-page step): an approved answer is on it at once. */
  republish: (incidentId: string) => Promise<void>;
}

export interface DecisionReturnDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline'>;
  notices: Pick<NoticeStorePort, 'setNoticeStatus'>;
  approvals: Pick<
    ApprovalStorePort,
    'claimCallback' | 'deleteCallbackMarker' | 'listUnreturnedDecisions' | 'markCallbackReturned' | 'markCallbackLost' | 'releaseCallback'
  >;
  workflow: TaskCallbacks;
  /** Pages the response team; `event` tags the message for subscribers' filters. */
  alertTeam: (event: string, subject: string, message: string) => Promise<void>;
  /** Settles decided 'faq' requests (answers asked for the public page); without it they wait for a sender that has it. */
  faq?: FaqSettlementDeps;
}

/** Who returns it: the POST that decided, an approver's repeat POST, the edit that took the request back, or the scheduled sweeper. */
export type Sender = 'approval-page' | 'repeat-post' | 'editor' | 'sweeper';
/** 'returned': Step Functions accepted the callback (or a FAQ decision was settled). */
export type ReturnOutcome = 'returned' | 'lost' | 'failed';

/** The callback a recorded decision makes, rebuilt from the record alone so any sender can repeat it. */
function callback(request: ApprovalRequest, taskToken: string, workflow: TaskCallbacks): Promise<void> {
  if (request.status === 'REJECTED') return workflow.fail(taskToken, NoticeRejectedError.name, request.reason ?? '');
  if (request.status === 'EDITED')
    return workflow.fail(taskToken, NoticeEditedError.name, `The facts were edited (version ${request.editedToFactsVersion ?? '?'}): redraft and ask again`);
  return workflow.succeed(taskToken, { decision: 'APPROVED', requestId: request.requestId, noticeId: request.noticeId, decidedAt: request.decidedAt });
}

/**
 * Sends a decided request's callback; the caller holds its lease. Accepted: stamped and the marker
 * dropped. Step Functions says the task is gone (timed out, unknown, invalid): recorded, audited and
 * the team paged, never retried. Any other failure frees the lease and keeps the marker, so a repeat
 * POST or the next sweep sends it again.
 */
export async function returnDecision(request: ApprovalRequest, taskToken: string, sender: Sender, deps: DecisionReturnDeps): Promise<ReturnOutcome> {
  const { incidentId, requestId } = request;
  if (request.kind === 'faq') return settleFaq(request, sender, deps);
  const detail = { requestId, noticeId: request.noticeId, decision: request.status };
  // The notice carries the decision before the workflow hears it, whoever returns it: the send step
  // refuses a notice that is not APPROVED with the wording it has. An edit leaves the draft pending.
  if (request.status === 'APPROVED') await deps.notices.setNoticeStatus(incidentId, request.noticeId, 'APPROVED', request.contentHash);
  else if (request.status === 'REJECTED') await deps.notices.setNoticeStatus(incidentId, request.noticeId, 'REJECTED');
  try {
    await callback(request, taskToken, deps.workflow);
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    if (TASK_GONE_ERRORS.includes(name)) {
      await deps.approvals.markCallbackLost(incidentId, requestId, name);
      await deps.incidents.appendTimeline(incidentId, { action: 'approval-callback-lost', actor: sender, detail: { ...detail, error: name } });
      await deps.alertTeam(
        'approval-callback-lost',
        `Approval decision did not reach the workflow (${incidentId})`,
        `The decision on ${request.noticeId} of incident ${incidentId} (${request.status} by ${request.decidedBy ?? 'unknown'} at ${request.decidedAt ?? 'unknown'}, request ${requestId}) could not be passed to the workflow: Step Functions answered ${name}, so the task no longer waits for it. Check the execution: it may have escalated, timed out or stopped.`,
      );
      return 'lost';
    }
    await deps.approvals.releaseCallback(incidentId, requestId);
    await deps.incidents.appendTimeline(incidentId, { action: 'approval-callback-failed', actor: sender, detail: { ...detail, error: name } });
    return 'failed';
  }
  await deps.approvals.markCallbackReturned(incidentId, requestId);
  // The audit action keeps the name stored in existing timelines.
  if (sender !== 'approval-page') await deps.incidents.appendTimeline(incidentId, { action: 'approval-callback-redelivered', actor: sender, detail });
  return 'returned';
}

/**
 * A 'faq' request has no task token and no workflow: its decision publishes (or refuses) the answer on
 * the incident page instead of SendTaskSuccess/Failure, then is stamped returned like any callback.
 */
async function settleFaq(request: ApprovalRequest, sender: Sender, deps: DecisionReturnDeps): Promise<ReturnOutcome> {
  const detail = { requestId: request.requestId, questionId: request.questionId ?? null, decision: request.status };
  if (!deps.faq) {
    await deps.approvals.releaseCallback(request.incidentId, request.requestId);
    await deps.incidents.appendTimeline(request.incidentId, {
      action: 'approval-callback-failed',
      actor: sender,
      detail: { ...detail, error: 'NoFaqPublisher' },
    });
    return 'failed';
  }
  try {
    await settleFaqDecision(request, { incidents: deps.incidents, ...deps.faq });
  } catch (error) {
    await deps.approvals.releaseCallback(request.incidentId, request.requestId);
    await deps.incidents.appendTimeline(request.incidentId, {
      action: 'approval-callback-failed',
      actor: sender,
      detail: { ...detail, error: error instanceof Error ? error.name : 'Error' },
    });
    return 'failed';
  }
  await deps.approvals.markCallbackReturned(request.incidentId, request.requestId);
  return 'returned';
}

/** Takes the callback of a recorded decision, if it still needs returning and nobody else is returning it, and returns it. */
export async function returnPendingDecision(
  incidentId: string,
  requestId: string,
  sender: Sender,
  deps: DecisionReturnDeps,
): Promise<ReturnOutcome | 'settled' | 'busy'> {
  const claim = await deps.approvals.claimCallback(incidentId, requestId);
  if (claim.state === 'settled') {
    // Nothing left to send: a marker a crash left behind after the stamp.
    await deps.approvals.deleteCallbackMarker(incidentId, requestId);
    return 'settled';
  }
  if (claim.state !== 'claimed') return 'busy';
  return returnDecision(claim.request, claim.taskToken, sender, deps);
}

/** The sweeper: every decided request whose callback has not landed, up to `limit` per run. */
export async function returnPendingDecisions(deps: DecisionReturnDeps, limit = 100): Promise<Record<ReturnOutcome | 'settled' | 'busy', number>> {
  const counts = { returned: 0, lost: 0, failed: 0, settled: 0, busy: 0 };
  for (const { incidentId, requestId } of await deps.approvals.listUnreturnedDecisions(limit)) {
    counts[await returnPendingDecision(incidentId, requestId, 'sweeper', deps)] += 1;
  }
  return counts;
}
