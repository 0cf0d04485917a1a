import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApprovalLink, ApprovalRequest, WordingBinding } from '../domain/approval.js';
import type { ApprovalStorePort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';
import { ApprovalCallbacks } from './approval-callbacks.js';
import { ApprovalLinks } from './approval-links.js';
import { ApprovalRequests } from './approval-requests.js';

/**
 * The approval store on the incidents table, one port for the steps: requests and their decisions
 * (approval-requests.ts), the callback outbox (approval-callbacks.ts), links and their codes
 * (approval-links.ts).
 */
export class ApprovalStore implements ApprovalStorePort {
  private readonly requests: ApprovalRequests;
  private readonly callbacks: ApprovalCallbacks;
  private readonly links: ApprovalLinks;

  constructor(doc: DynamoDBDocumentClient, table: string, clock: Clock) {
    this.requests = new ApprovalRequests(doc, table, clock);
    this.callbacks = new ApprovalCallbacks(doc, table, clock);
    this.links = new ApprovalLinks(doc, table);
  }

  putApprovalRequest(request: ApprovalRequest, taskToken: string) {
    return this.requests.putApprovalRequest(request, taskToken);
  }

  getApprovalRequest(incidentId: string, requestId: string) {
    return this.requests.getApprovalRequest(incidentId, requestId);
  }

  getTaskToken(incidentId: string, requestId: string) {
    return this.requests.getTaskToken(incidentId, requestId);
  }

  listApprovalRequests(incidentId: string) {
    return this.requests.listApprovalRequests(incidentId);
  }

  markApproverNotified(incidentId: string, requestId: string, approver: string) {
    return this.requests.markApproverNotified(incidentId, requestId, approver);
  }

  supersedePendingRequests(incidentId: string, noticeId: string, exceptRequestId: string, enteredAt: string) {
    return this.requests.supersedePendingRequests(incidentId, noticeId, exceptRequestId, enteredAt);
  }

  recordApproval(incidentId: string, requestId: string, approver: string, quorum: number, wording?: WordingBinding) {
    return this.requests.recordApproval(incidentId, requestId, approver, quorum, wording);
  }

  recordRejection(incidentId: string, requestId: string, approver: string, reason: string, wording?: WordingBinding) {
    return this.requests.recordRejection(incidentId, requestId, approver, reason, wording);
  }

  supersedeForEdit(incidentId: string, requestId: string, factsVersion: number) {
    return this.requests.supersedeForEdit(incidentId, requestId, factsVersion);
  }

  carryDecision(incidentId: string, from: ApprovalRequest, toRequestId: string) {
    return this.requests.carryDecision(incidentId, from, toRequestId);
  }

  claimCallback(incidentId: string, requestId: string) {
    return this.callbacks.claimCallback(incidentId, requestId);
  }

  markCallbackReturned(incidentId: string, requestId: string) {
    return this.callbacks.markCallbackReturned(incidentId, requestId);
  }

  markCallbackLost(incidentId: string, requestId: string, errorName: string) {
    return this.callbacks.markCallbackLost(incidentId, requestId, errorName);
  }

  releaseCallback(incidentId: string, requestId: string) {
    return this.callbacks.releaseCallback(incidentId, requestId);
  }

  deleteCallbackMarker(incidentId: string, requestId: string) {
    return this.callbacks.deleteCallbackMarker(incidentId, requestId);
  }

  listUnreturnedDecisions(limit: number) {
    return this.callbacks.listUnreturnedDecisions(limit);
  }

  putApprovalLink(link: ApprovalLink) {
    return this.links.putApprovalLink(link);
  }

  countCodeAttempt(linkHash: string, max: number) {
    return this.links.countCodeAttempt(linkHash, max);
  }

  getApprovalLink(linkHash: string) {
    return this.links.getApprovalLink(linkHash);
  }
}
