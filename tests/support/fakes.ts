/**
 * In-memory stand-ins for the ports, for step unit tests: same contracts as the AWS adapters, no I/O.
 * One fake per port in fakes/; this module gathers them.
 */
export { FakeApprovals, standingOf } from './fakes/approvals.js';
export { FakeClock } from './fakes/clock.js';
export { FakeCustomers } from './fakes/customers.js';
export { FakeEmail } from './fakes/email.js';
export { FakeEvidence } from './fakes/evidence.js';
export { FakeFacts } from './fakes/facts.js';
export { FakeIncidents } from './fakes/incidents.js';
export { FakeLedger } from './fakes/ledger.js';
export { FakeMessaging } from './fakes/messaging.js';
export { FakeNotices } from './fakes/notices.js';
export { FakePromiseClocks } from './fakes/promises.js';
export { namedError } from './fakes/sdk-errors.js';
export { FakeTeam } from './fakes/team.js';
export { FakeWorkflow } from './fakes/workflow.js';
