import { sha256Hex } from '../shared/crypto.js';
import { BreachNoticeError } from '../shared/errors.js';
import { say, type Params, type TextKey } from './approval-text.js';

export type ApprovalTier = 'primary' | 'backup';

/** Why an approval link cannot decide; the approval page turns each into its HTTP status. */
export type RefusalReason = 'bad-request' | 'unknown-link' | 'already-decided' | 'expired' | 'superseded' | 'wrong-code' | 'locked' | 'stale-form';

/** A link that cannot decide, with the sentence to show in any page locale (the message is the English one). */
export class ApprovalRefusedError extends BreachNoticeError {
  constructor(
    readonly reasonCode: RefusalReason,
    readonly text: TextKey,
    readonly params: Params = {},
  ) {
    super(say('en', text, params));
  }
}
/** SUPERSEDED: escalated to other approvers; EDITED: the facts were edited, so the workflow redrafts and asks again. */
export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'SUPERSEDED' | 'EDITED';
export type Decision = 'approve' | 'reject';

export interface ApprovalRequest {
  incidentId: string;
  requestId: string;
  noticeId: string;
  tier: ApprovalTier;
  status: ApprovalStatus;
  expiresAt: string;
  createdAt: string;
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
  /** Approvals needed (N of the tier's M approvers). @default 1 */
  quorum?: number;
  /** Approvers counted so far (a string set in DynamoDB). */
  approvedBy?: string[];
  /** When Step Functions entered the wait state: the start of its timeout, from which expiry is derived. */
  waitEnteredAt?: string;
  /** When Step Functions accepted the decision's SendTaskSuccess/Failure: the decision is returned. Items store this name. */
  callbackDeliveredAt?: string;
  /** When Step Functions answered that the task no longer waits (timed out, gone), with that error's name. */
  callbackLostAt?: string;
  callbackError?: string;
  /** The earlier request whose decision this one carries (escalation found it decided). */
  carriedFrom?: string;
  /** The escalation request this decision was carried to, whose task token returns it. */
  carriedTo?: string;
  /** The wording asked about (the notice's `contentHash` and `version` when the request was made): a decision binds to it. */
  contentHash?: string;
  noticeVersion?: number;
  /** The facts version whose save took this request back (status EDITED). */
  editedToFactsVersion?: number;
  /** 'faq': an answer to a customer's question asked for the public page; no workflow waits on it (no task token). @default 'notice' */
  kind?: 'notice' | 'faq';
  /** The question whose answer a 'faq' request is about. */
  questionId?: string;
  /** The answer's time (`answer.at`) a 'faq' request shows: its decision binds to that answer, never to one given since. */
  answeredAt?: string;
  /** What the notice was drafted from: the request is stored, and decided, only while the incident still stands there. */
  basis?: DraftBasis;
}

/**
 * What a draft was made from. The incident's item holds the current facts version, the last scope
 * decision saved and the status; every edit, scope decision and close writes that one item before it
 * takes back pending requests. Storing a request and deciding one both check it in the same
 * transaction, so whichever comes first wins: a request stored after a change is refused (the draft
 * is made again), one stored before is found and taken back by the change.
 */
export interface DraftBasis {
  factsVersion: number;
  /** The scope decision the audience was assessed from (0: the alarm's own scope). */
  scopeVersion: number;
  /** A closing notice is drafted for a closed incident; any other draft is stale once it is closed. */
  closing: boolean;
}

export function sameBasis(a: DraftBasis, b: DraftBasis): boolean {
  return a.factsVersion === b.factsVersion && a.scopeVersion === b.scopeVersion && a.closing === b.closing;
}

/** The basis of a notice as drafted. */
export function basisOf(notice: { factsVersion: number; scopeVersion?: number; kind: string }): DraftBasis {
  return { factsVersion: notice.factsVersion, scopeVersion: notice.scopeVersion ?? 0, closing: notice.kind === 'closing' };
}

/** Stored in place of a task token on 'faq' requests: nothing in Step Functions waits on them. */
export const NO_TASK_TOKEN = 'faq-no-task-token';

/** The wording a decision is about: the notice must still carry this hash when the decision is written. */
export interface WordingBinding {
  noticeId: string;
  contentHash: string;
  /** With it, the incident must still stand on this basis when the decision is written. */
  basis?: DraftBasis;
}

/** A request whose outcome the waiting task must still be told: a decision, or that the facts were edited. */
const CALLBACK_STATUSES: readonly ApprovalStatus[] = ['APPROVED', 'REJECTED', 'EDITED'];
export const needsCallback = (status: ApprovalStatus) => CALLBACK_STATUSES.includes(status);

/**
 * Expiry of a request: when its wait state began plus its timeout, less a margin (5% of the timeout,
 * at most 60 s) for clock skew and the callback's own travel, so the database stops accepting decisions
 * before Step Functions would refuse them. A slow or retried Lambda start cannot extend it.
 */
export function decisionDeadline(waitEnteredAt: Date, timeoutSeconds: number): Date {
  const marginMs = Math.min(60_000, timeoutSeconds * 50);
  return new Date(waitEnteredAt.getTime() + timeoutSeconds * 1000 - marginMs);
}

/** How long a sender holds a decided request's callback before the sweeper may take it over. */
export const CALLBACK_LEASE_MS = 60_000;

/** Step Functions' answers that mean the task no longer waits: retrying cannot help. */
export const TASK_GONE_ERRORS: readonly string[] = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'];

/** A recorded decision whose callback has not reached Step Functions yet (and may still). */
export function awaitsCallback(request: ApprovalRequest): boolean {
  return needsCallback(request.status) && !request.callbackDeliveredAt && !request.callbackLostAt && !request.carriedTo;
}

/** 32 random bytes in base64url: what a link carries. Anything else is refused before any lookup. */
export const LINK_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Why a link can no longer decide, or undefined when it still can. Expiry is checked here and in the write condition. */
export function refusalFor(request: ApprovalRequest, now: Date): ApprovalRefusedError | undefined {
  if (request.status === 'APPROVED' || request.status === 'REJECTED') {
    const key = request.status === 'APPROVED' ? 'already-approved' : 'already-rejected';
    return new ApprovalRefusedError('already-decided', key, { by: request.decidedBy ?? '', at: request.decidedAt ?? '' });
  }
  if (request.status === 'SUPERSEDED') {
    return new ApprovalRefusedError('superseded', 'superseded');
  }
  if (request.status === 'EDITED') {
    return new ApprovalRefusedError('superseded', 'edited');
  }
  if (Date.parse(request.expiresAt) <= now.getTime()) {
    return new ApprovalRefusedError('expired', 'expired', { at: request.expiresAt });
  }
  return undefined;
}

export interface DecisionForm {
  decision: Decision;
  reason: string;
  code: string;
  csrf: string;
}

/** Digits of the one-time code shown only in the approver's email; wrong tries lock the link. */
export const CODE_DIGITS = 6;
export const MAX_CODE_ATTEMPTS = 5;

/** The stored form of a link's code: bound to the link, so a code is worthless on any other link. */
export function codeDigest(linkHash: string, code: string): string {
  return sha256Hex(`${linkHash}:${code}`);
}

/** Parses the POSTed form; a rejection needs a reason because it goes back to the response team. */
export function parseDecisionForm(body: URLSearchParams): DecisionForm {
  const decision = body.get('decision');
  const reason = (body.get('reason') ?? '').trim().slice(0, 1000);
  const code = (body.get('code') ?? '').replace(/\s+/g, '');
  const csrf = body.get('csrf') ?? '';
  if (decision !== 'approve' && decision !== 'reject') {
    throw new ApprovalRefusedError('bad-request', 'choose-decision');
  }
  if (decision === 'reject' && reason.length === 0) {
    throw new ApprovalRefusedError('bad-request', 'reason-needed');
  }
  if (!new RegExp(`^\\d{${CODE_DIGITS}}$`).test(code)) {
    throw new ApprovalRefusedError('bad-request', 'code-needed', { digits: CODE_DIGITS });
  }
  return { decision, reason, code, csrf };
}

/** An approver's personal link: only the hash of its random id is stored. */
export interface ApprovalLink {
  linkHash: string;
  incidentId: string;
  requestId: string;
  approver: string;
  expiresAt: string;
  /** Digest of the one-time code shown in the approver's email (see `codeDigest`). */
  codeDigest: string;
  /** Code attempts counted so far. */
  attempts?: number;
  locked?: boolean;
}
