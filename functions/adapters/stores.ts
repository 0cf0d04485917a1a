import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../shared/clock.js';
import { ApprovalStore } from './approval-store.js';
import { FactsStore } from './facts-store.js';
import { IncidentStore } from './incident-store.js';
import { NoticeStore } from './notice-store.js';
import { ObligationStore } from './obligation-store.js';
import { TeamStore } from './team-store.js';

/** The stores over the incidents table, as handlers wire them. */
export function incidentStores(doc: DynamoDBDocumentClient, table: string, clock: Clock) {
  return {
    incidents: new IncidentStore(doc, table, clock),
    notices: new NoticeStore(doc, table, clock),
    approvals: new ApprovalStore(doc, table, clock),
    facts: new FactsStore(doc, table, clock),
    obligations: new ObligationStore(doc, table, clock),
    team: new TeamStore(doc, table, clock),
  };
}
