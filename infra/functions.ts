import {
  CALLBACK_PREFIX,
  CLOCK_PREFIX,
  CONFIRM_PREFIX,
  FINDING_PREFIX,
  FORM_TOKEN_PREFIX,
  INCIDENT_PREFIX,
  LINK_PREFIX,
  QUESTION_PREFIX,
  RATE_PREFIX,
  SUPPRESSIONS_PREFIX,
  CUSTOMER_PREFIX,
  EARLY_SMS_STATUS_PREFIX,
  EVIDENCE_COUNTS_PREFIX,
  UNDELIVERABLE_PREFIX,
} from '../functions/adapters/keys.js';
import { APPROVAL_SUMMARY_ATTRIBUTES } from '../functions/adapters/open-incidents.js';
import { EVIDENCE_ATTRIBUTES, EVIDENCE_COUNT_ATTRIBUTES, UNDELIVERABLE_ATTRIBUTES } from '../functions/domain/delivery-evidence.js';
import { BY_PHONE_INDEX, EARLY_STATUS_ATTRIBUTES, PHONE_INDEX_ATTRIBUTES, SMS_OUTCOME_ATTRIBUTES } from '../functions/domain/sms-delivery-status.js';
import { CLIENT_VARIABLES, INCIDENT_PAGE_VARIABLES, pick, type EnvironmentValues, type EnvKey } from '../functions/shared/environment.js';
import type { TableName } from './tables.js';

/*
 * The function manifest: every Lambda function, declared once. The stack builds and grants each from
 * its entry (constructs/described-function.ts), the workflow construct substitutes the steps' ARNs into
 * the definition (workflow-definition.ts), the API deploys the routes, the twin loads the handler module
 * and serves the routes (local/twin/handlers.ts, local/twin/http-api.ts), and each handler parses the variables
 * listed here (`configSchema`). Handlers import this module: it must not import aws-cdk-lib or anything
 * that does (tests/infra/bundle-size.test.ts checks the bundles).
 */

/** Item actions on the items whose partition key starts with one of `prefixes` (see constructs/item-grants.ts). */
export interface ItemGrant {
  readonly prefixes: readonly string[];
  readonly actions: readonly string[];
  /** The only attributes these actions may name (a read must project them); none: any. */
  readonly attributes?: readonly string[];
  /** On this index of the table (its partition key is then the leading key), not on the table. */
  readonly index?: string;
}

/** What a function may touch; `grantDescribed` (constructs/described-function.ts) turns this into IAM statements. */
export interface FunctionGrants {
  /** Whole-table access, or item actions on leading-key prefixes only. */
  readonly tables?: Partial<Record<TableName, 'read' | 'readWrite' | readonly ItemGrant[]>>;
  /** Publish to the response team's topic; a function of the environment when it depends on a setting. */
  readonly publishToResponseTeam?: boolean | ((env: EnvironmentValues) => boolean);
  /** SendEmail/SendBulkEmail from the sender identity, with this stack's templates and configuration set. */
  readonly sendEmail?: boolean;
  /** ses:GetAccount: the account's send quota, to pace sending under it. */
  readonly readSendQuota?: boolean;
  /** ses:ListSuppressedDestinations and sns:ListPhoneNumbersOptedOut: the lists of addresses and numbers never to send to. */
  readonly readSuppressionLists?: boolean;
  /** sns:GetSMSAttributes: whether the account logs SMS delivery status, which settles UNCERTAIN SMS by evidence. */
  readonly readSmsSettings?: boolean;
  /** SMS to phone numbers (never a topic); a function of the deployment's environment when it depends on a setting. */
  readonly sendSms?: boolean | ((env: EnvironmentValues) => boolean);
  /** Publish to the public channels' topic (app push, social relays). */
  readonly publishToPublicChannels?: boolean;
  /** PutObject on the incident pages' bucket (nothing else: no read, no delete, no list). */
  readonly writeIncidentPages?: boolean;
  /** GetSecretValue on the question form's key. */
  readonly readQuestionFormKey?: boolean;
  /** On the incident state machine: start executions, decide a waiting approval (SendTaskSuccess/Failure), or list its executions. */
  readonly stateMachine?: 'start' | 'decide' | 'list';
}

/** One Lambda function: handler module, sizing, the variables it reads and what it may touch, declared together. */
export interface FunctionDescriptor {
  /**
   * Chosen for the function's work, never left to a default. A function that calls SES or SNS needs more
   * than one provider call can take (PROVIDER_CONNECT_TIMEOUT_MS + PROVIDER_REQUEST_TIMEOUT_MS, 18 s), so
   * its own timeout fires and the call ends as UNCERTAIN rather than Lambda ending the invocation mid-call.
   */
  readonly timeoutSeconds: number;
  readonly memoryMB: number;
  /** ReservedConcurrentExecutions: environments at most at once, for a function whose events may come by the hundred thousand. @default none */
  readonly reservedConcurrency?: number;
  /** The contract variables its handler reads (besides CLIENT_VARIABLES, which the SES and SNS clients read in the functions that call them). */
  readonly environment: readonly EnvKey[];
  readonly grants: FunctionGrants;
  /**
   * A Lambda task of the incident workflow: the workflow construct builds it and fills the definition's
   * `${<Name>FunctionArn}` (its name in PascalCase) with its ARN; infra/definition/ names it in `lambdaTask`.
   */
  readonly workflowStep?: true;
  /** The HTTP API routes it serves (constructs/approval-api.ts; the twin's edge serves the same). */
  readonly http?: HttpRoutes;
}

/** Routes of the HTTP API, with the methods of each; a path as API Gateway writes it, `{name}` for a parameter. */
export interface HttpRoutes {
  /** NONE: public (the link or form is the credential); AWS_IAM: SigV4-signed callers allowed execute-api:Invoke on the route. */
  readonly authorization: 'NONE' | 'AWS_IAM';
  readonly routes: Readonly<Record<string, readonly HttpRouteMethod[]>>;
}

export type HttpRouteMethod = 'GET' | 'HEAD' | 'POST' | 'PUT';

/**
 * Every function, keyed by its handler module in `functions/handlers/` (without extension). The stack
 * builds each from its entry here; the twin loads the same module and, for functions it runs in its own
 * process, sets the union of their variables.
 */
export const FUNCTIONS = {
  'assess-impact': {
    workflowStep: true,
    timeoutSeconds: 600,
    memoryMB: 1024,
    environment: ['INCIDENTS_TABLE', 'CUSTOMERS_TABLE', 'AUDIENCE_CHUNK_SIZE', 'LOCALES'],
    grants: { tables: { incidents: 'readWrite', customers: 'read' } },
  },
  'page-response-team': {
    workflowStep: true,
    // One SNS publish, which may take a provider call's 18 s, around the idempotency record's writes.
    timeoutSeconds: 60,
    memoryMB: 512,
    environment: ['INCIDENTS_TABLE', 'IDEMPOTENCY_TABLE', 'RESPONSE_TEAM_TOPIC_ARN', 'EXECUTION_CONSOLE_URL'],
    grants: { tables: { incidents: 'readWrite', idempotency: 'readWrite' }, publishToResponseTeam: true },
  },
  'draft-notice': {
    workflowStep: true,
    // DynamoDB only: the incident and its facts in, every locale's wording out.
    timeoutSeconds: 30,
    memoryMB: 512,
    environment: [
      'LOCALES',
      'INCIDENTS_TABLE',
      'COMPANY_NAME',
      'COMPANY_CONTACT',
      'INCIDENT_PAGE_URL',
      'SUPPORT_HOTLINE',
      'QUESTION_FORM_URL',
      'UPDATE_CADENCE_SECONDS',
      'UPDATE_LEAD_SECONDS',
      'APPROVAL_TIMEOUT_SECONDS',
      'ESCALATION_TIMEOUT_SECONDS',
      'REMEDY_RULES',
      'COMPANY_APOLOGY',
      'SMS_LINK',
    ],
    grants: { tables: { incidents: 'readWrite' } },
  },
  'wait-for-approval': {
    workflowStep: true,
    // One email (and with the SMS channel one text) per approver, one after another, each up to a provider call's 18 s.
    timeoutSeconds: 120,
    memoryMB: 512,
    environment: [
      'LOCALES',
      'SENDER_ADDRESS',
      'SES_CONFIGURATION_SET',
      'INCIDENTS_TABLE',
      'APPROVER_EMAILS',
      'BACKUP_APPROVER_EMAILS',
      'APPROVAL_BASE_URL',
      'APPROVAL_QUORUM',
      'APPROVAL_CODE_CHANNEL',
      'APPROVER_PHONES',
      'REPORT_LOCALE',
      'APPROVER_LOCALES',
      'SMS_PRICE_PER_SEGMENT',
      'SMS_PRICE_CURRENCY',
    ],
    grants: { tables: { incidents: 'readWrite' }, sendEmail: true, sendSms: (env) => env.APPROVAL_CODE_CHANNEL === 'sms' },
  },
  'send-notices': {
    workflowStep: true,
    // Long enough for MAX_CHUNKS_PER_INVOCATION chunks; CLAIM_LEASE_SECONDS is derived from it.
    timeoutSeconds: 900,
    memoryMB: 1024,
    environment: [
      'INCIDENTS_TABLE',
      'CUSTOMERS_TABLE',
      'DELIVERIES_TABLE',
      'LOCALES',
      'SENDER_ADDRESS',
      'SENDER_NAME',
      'REPLY_TO_ADDRESS',
      'SES_CONFIGURATION_SET',
      'TEMPLATE_PREFIX',
      'MAX_CHUNKS_PER_INVOCATION',
      'RESERVE_MS',
      'SMS_CONCURRENCY',
      'CLAIM_LEASE_SECONDS',
      'SMS_SENDER_ID',
      'DRILL_SMS_SINK',
      'BOUNCE_RATE_LIMIT_PERCENT',
      'COMPLAINT_RATE_LIMIT_PERCENT',
      'REPUTATION_MINIMUM_MESSAGES',
    ],
    // Deliveries: the ledger, and the notice's evidence counts the reputation guard reads.
    grants: { tables: { incidents: 'readWrite', customers: 'read', deliveries: 'readWrite' }, sendEmail: true, sendSms: true },
  },
  'prepare-sending': {
    workflowStep: true,
    // Reads the account's whole SES suppression list (1,000 a page, rate-limited per account, throttled pages
    // asked again with backoff) and SNS's opted-out numbers, once per notice: minutes for a long list, whose hashes it holds.
    timeoutSeconds: 900,
    memoryMB: 1024,
    environment: ['INCIDENTS_TABLE', 'DELIVERIES_TABLE', 'RESPONSE_TEAM_TOPIC_ARN', 'MAX_CHUNKS_PER_INVOCATION', 'MAX_PARALLEL_SENDERS'],
    // Writes the notice's suppression lists (SUPPRESSIONS# items) and nothing else of the ledger.
    grants: {
      tables: { incidents: 'readWrite', deliveries: [{ prefixes: [SUPPRESSIONS_PREFIX], actions: ['PutItem', 'BatchWriteItem'] }] },
      publishToResponseTeam: true,
      readSendQuota: true,
      readSuppressionLists: true,
    },
  },
  'confirm-sent': {
    workflowStep: true,
    // Reconciles the notice once, every recipient: ~1.33M rows at 1,000,000 customers, about two minutes at the 10,000 rows/s measured on DynamoDB Local.
    timeoutSeconds: 900,
    memoryMB: 1024,
    environment: [
      'INCIDENTS_TABLE',
      'CUSTOMERS_TABLE',
      'DELIVERIES_TABLE',
      'RESPONSE_TEAM_TOPIC_ARN',
      'EVIDENCE_WINDOW_SECONDS',
      'BOUNCE_RATE_LIMIT_PERCENT',
      'COMPLAINT_RATE_LIMIT_PERCENT',
      'REPUTATION_MINIMUM_MESSAGES',
    ],
    // Deliveries read and written: UNCERTAIN recipients settled by evidence (a claim's totals and their outcomes),
    // fallbacks added to chunk plans. Customers: the profiles of those a channel never reached (the address a
    // fallback goes to must exist), by key only: no index, no Scan. The account's SMS settings say whether SMS
    // has evidence to settle by.
    grants: {
      tables: { incidents: 'readWrite', customers: [{ prefixes: [''], actions: ['BatchGetItem'] }], deliveries: 'readWrite' },
      publishToResponseTeam: true,
      readSmsSettings: true,
    },
  },
  'wait-for-team': {
    workflowStep: true,
    // DynamoDB only: keeps a task token.
    timeoutSeconds: 30,
    memoryMB: 512,
    environment: ['INCIDENTS_TABLE'],
    // Keeps the waiting task's token in the incident's collection. It resumes its own task when the answer
    // came first: SendTaskSuccess is granted by constructs/incident-workflow.ts in a separate policy
    // (a grant here would go in the role's default policy, which the definition's substitution would cycle with).
    grants: { tables: { incidents: 'readWrite' } },
  },
  'plan-next-update': {
    workflowStep: true,
    // DynamoDB only.
    timeoutSeconds: 30,
    memoryMB: 512,
    environment: ['INCIDENTS_TABLE', 'UPDATE_CADENCE_SECONDS', 'UPDATE_LEAD_SECONDS', 'APPROVAL_TIMEOUT_SECONDS', 'ESCALATION_TIMEOUT_SECONDS'],
    grants: { tables: { incidents: 'readWrite' } },
  },
  'start-next-execution': {
    workflowStep: true,
    // StartExecution and one DynamoDB transaction.
    timeoutSeconds: 30,
    memoryMB: 512,
    environment: ['INCIDENTS_TABLE'],
    // The incident's item (its current execution) and the timeline entry, in one transaction. StartExecution
    // on the state machine is granted by constructs/incident-workflow.ts in a separate policy, as wait-for-team's callback is.
    grants: { tables: { incidents: [{ prefixes: [INCIDENT_PREFIX], actions: ['GetItem', 'UpdateItem', 'PutItem'] }] } },
  },
  'send-final-report': {
    workflowStep: true,
    // Reads every notice's kept figures (a notice from before they were kept is reconciled again), sends one email and one page.
    timeoutSeconds: 120,
    memoryMB: 512,
    environment: [
      'SENDER_ADDRESS',
      'SES_CONFIGURATION_SET',
      'TEMPLATE_PREFIX',
      'INCIDENTS_TABLE',
      'DELIVERIES_TABLE',
      'IDEMPOTENCY_TABLE',
      'RESPONSE_TEAM_TOPIC_ARN',
      'REPORT_RECIPIENTS',
      'REPORT_LOCALE',
      'DRILL_TARGETS',
    ],
    // Deliveries read: the ledger's figures and each notice's evidence counts.
    grants: { tables: { incidents: 'readWrite', deliveries: 'read', idempotency: 'readWrite' }, publishToResponseTeam: true, sendEmail: true },
  },
  intake: {
    // A conditional write, StartExecution and a page to the team (SNS, up to a provider call's 18 s); async, so Lambda retries a timeout.
    timeoutSeconds: 60,
    memoryMB: 512,
    environment: [
      'INCIDENTS_TABLE',
      'STATE_MACHINE_ARN',
      'RESPONSE_TEAM_TOPIC_ARN',
      'MANUAL_ALARM_SOURCE',
      'CLOUDWATCH_ALARM_SEVERITY',
      'APPROVAL_TIMEOUT_SECONDS',
      'ESCALATION_TIMEOUT_SECONDS',
      'TEAM_REMINDER_SECONDS',
      'UPDATE_CYCLES_PER_EXECUTION',
      'DRILL_MODE',
    ],
    grants: { tables: { incidents: 'readWrite' }, publishToResponseTeam: true, stateMachine: 'start' },
  },
  'approval-page': {
    http: { authorization: 'NONE', routes: { '/approvals/{linkId}': ['GET', 'HEAD', 'POST'] } },
    // Behind the HTTP API, which stops waiting at 30 s (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html);
    // more memory is more CPU: an approver waits on a cold start for nearly every click.
    timeoutSeconds: 29,
    memoryMB: 1024,
    environment: ['LOCALES', 'INCIDENTS_TABLE', 'RESPONSE_TEAM_TOPIC_ARN', 'SMS_PRICE_PER_SEGMENT', 'SMS_PRICE_CURRENCY', ...INCIDENT_PAGE_VARIABLES],
    // Internet-facing: only the items a link resolves to and the decision writes, never a scan or another table.
    // An approved FAQ answer re-renders the incident's page at once (PutObject on the pages only; it never announces).
    grants: {
      writeIncidentPages: true,
      tables: {
        incidents: [
          { prefixes: [LINK_PREFIX], actions: ['GetItem', 'UpdateItem'] },
          // Query: the incident's notices, for the diff against the last approved one; ConditionCheckItem: a decision binds to the notice's wording.
          { prefixes: [INCIDENT_PREFIX], actions: ['GetItem', 'UpdateItem', 'PutItem', 'Query', 'ConditionCheckItem'] },
          { prefixes: [CALLBACK_PREFIX], actions: ['PutItem', 'DeleteItem'] },
          // A FAQ decision: the question's answer marked published (or refused) with its page entry (steps/answer-question.ts).
          { prefixes: [QUESTION_PREFIX], actions: ['GetItem', 'UpdateItem'] },
        ],
      },
      publishToResponseTeam: true,
      stateMachine: 'decide',
    },
  },
  'operator-api': {
    // The team's facts, scope decisions, close now, redraft after a rejection, answers to customers' questions, a notice sent on despite its rates.
    http: {
      authorization: 'AWS_IAM',
      routes: {
        '/operator/incidents/{id}/facts': ['GET', 'PUT'],
        '/operator/incidents/{id}/scope': ['GET', 'PUT'],
        '/operator/incidents/{id}/close': ['POST'],
        '/operator/incidents/{id}/redraft': ['POST'],
        '/operator/incidents/{id}/questions/{questionId}/answer': ['POST'],
        '/operator/incidents/{id}/notices/{noticeId}/resume-sending': ['POST'],
      },
    },
    // Behind the HTTP API (30 s at most, as approval-page).
    timeoutSeconds: 29,
    memoryMB: 512,
    environment: [
      'LOCALES',
      'INCIDENTS_TABLE',
      'DELIVERIES_TABLE',
      'RESPONSE_TEAM_TOPIC_ARN',
      'SENDER_ADDRESS',
      'SES_CONFIGURATION_SET',
      'DRILL_MODE',
      'QUESTION_FORM_SECRET_ID',
      'APPROVER_EMAILS',
      'APPROVAL_QUORUM',
      'APPROVAL_BASE_URL',
      'APPROVAL_CODE_CHANNEL',
      'APPROVER_PHONES',
    ],
    // The facts edit (functions/steps/edit-facts.ts): the incident's items, the callback marker an edit
    // leaves for the sweeper, the callback to the waiting task and the page when it is lost. The team's
    // decisions (steps/team-decisions.ts): a scope's id list in parts (BatchWriteItem), a resumed wait
    // ended (DeleteItem), and a close, which frees the incident's finding in the same transaction. Answers
    // (steps/answer-question.ts), with the deployment's approval settings: the question and its address,
    // the asker's one confirmation (its link, its count per address under the form's key) or the answer,
    // and a FAQ answer's approval request with its links, emails and codes.
    grants: {
      tables: {
        incidents: [
          { prefixes: [INCIDENT_PREFIX], actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'] },
          { prefixes: [CALLBACK_PREFIX], actions: ['PutItem', 'DeleteItem'] },
          { prefixes: [FINDING_PREFIX], actions: ['UpdateItem'] },
          { prefixes: [QUESTION_PREFIX], actions: ['GetItem', 'Query', 'UpdateItem', 'DeleteItem'] },
          { prefixes: [LINK_PREFIX, CONFIRM_PREFIX], actions: ['PutItem'] },
          { prefixes: [RATE_PREFIX], actions: ['UpdateItem'] },
        ],
        // A resume of sending records the rates the team saw: the notice's evidence counts, read only.
        deliveries: [{ prefixes: [EVIDENCE_COUNTS_PREFIX], actions: ['GetItem'] }],
      },
      // A role that sends SMS is denied every topic (constructs/described-function.ts): with codes by SMS,
      // the FAQ approvals' codes win and a lost callback found by an edit is on the timeline only.
      publishToResponseTeam: (env) => env.APPROVAL_CODE_CHANNEL !== 'sms',
      stateMachine: 'decide',
      sendEmail: true,
      sendSms: (env) => env.APPROVAL_CODE_CHANNEL === 'sms',
      readQuestionFormKey: true,
    },
  },
  'publish-incident-page': {
    workflowStep: true,
    // A page per locale to S3 and at most one announcement per locale to SNS, each up to a provider call's 18 s.
    timeoutSeconds: 120,
    memoryMB: 512,
    environment: [...INCIDENT_PAGE_VARIABLES],
    // Reads the notices and published FAQ; writes the timeline and the once-per-locale announcement claims.
    grants: {
      tables: { incidents: [{ prefixes: [INCIDENT_PREFIX], actions: ['Query', 'PutItem', 'DeleteItem'] }] },
      writeIncidentPages: true,
      publishToPublicChannels: true,
    },
  },
  'question-form': {
    http: { authorization: 'NONE', routes: { '/questions/{incidentId}': ['GET', 'HEAD', 'POST'] } },
    // Behind the HTTP API (30 s at most, as approval-page); DynamoDB and Secrets Manager only.
    timeoutSeconds: 29,
    memoryMB: 512,
    environment: ['LOCALES', 'INCIDENTS_TABLE', 'INCIDENT_PAGE_URL', 'QUESTION_FORM_SECRET_ID'],
    // Internet-facing, so its own item kinds only: an incident's status and no other attribute, a question and its
    // address (written, never read: a partition of their own), a form token's use, its counters; reads the form key.
    grants: {
      tables: {
        incidents: [
          // The key attributes too: AWS's attribute-level examples allow them beside the attributes read.
          { prefixes: [INCIDENT_PREFIX], actions: ['GetItem'], attributes: ['pk', 'sk', 'status'] },
          { prefixes: [QUESTION_PREFIX], actions: ['PutItem'] },
          { prefixes: [FORM_TOKEN_PREFIX], actions: ['GetItem', 'PutItem'] },
          { prefixes: [RATE_PREFIX], actions: ['UpdateItem'] },
        ],
      },
      readQuestionFormKey: true,
    },
  },
  'confirm-address': {
    http: { authorization: 'NONE', routes: { '/confirm/{linkId}': ['GET', 'HEAD', 'POST'] } },
    // Behind the HTTP API (30 s at most, as approval-page); one SES call at most, up to a provider call's 18 s.
    timeoutSeconds: 29,
    memoryMB: 512,
    environment: ['INCIDENTS_TABLE', 'SENDER_ADDRESS', 'SES_CONFIGURATION_SET', 'DRILL_MODE'],
    // Internet-facing: the link (read, used once), its question (confirmed, the answer's one email claimed,
    // the address deleted with the claim), whether the incident is a drill, and its timeline.
    grants: {
      tables: {
        incidents: [
          { prefixes: [CONFIRM_PREFIX], actions: ['GetItem', 'UpdateItem'] },
          { prefixes: [QUESTION_PREFIX], actions: ['GetItem', 'UpdateItem', 'DeleteItem'] },
          { prefixes: [INCIDENT_PREFIX], actions: ['GetItem', 'PutItem'] },
        ],
      },
      sendEmail: true,
    },
  },
  'return-decisions': {
    // Every minute: a callback per decision not yet returned and a page to the team per lost one (SNS, up to a provider call's 18 s each).
    timeoutSeconds: 60,
    memoryMB: 512,
    environment: ['INCIDENTS_TABLE', 'RESPONSE_TEAM_TOPIC_ARN', ...INCIDENT_PAGE_VARIABLES],
    // A FAQ decision it settles re-renders the incident's page (Query: its notices and FAQ; PutObject on the pages only).
    grants: {
      tables: {
        incidents: [
          { prefixes: [CALLBACK_PREFIX], actions: ['Query', 'DeleteItem'] },
          { prefixes: [INCIDENT_PREFIX], actions: ['GetItem', 'UpdateItem', 'PutItem', 'Query'] },
          // A FAQ decision it returns again, as approval-page's.
          { prefixes: [QUESTION_PREFIX], actions: ['GetItem', 'UpdateItem'] },
        ],
      },
      writeIncidentPages: true,
      publishToResponseTeam: true,
      stateMachine: 'decide',
    },
  },
  'start-regulator-clocks': {
    workflowStep: true,
    // DynamoDB only.
    timeoutSeconds: 30,
    memoryMB: 512,
    environment: ['INCIDENTS_TABLE', 'SECTORS', 'REGULATOR_CLOCK_REMINDERS', 'REGULATOR_CLOCK_SCALE', 'REPORT_LOCALE'],
    // The incident, its facts and obligations; new obligations, report drafts, timeline entries and clock markers.
    grants: {
      tables: {
        incidents: [
          { prefixes: [INCIDENT_PREFIX], actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
          { prefixes: [CLOCK_PREFIX], actions: ['PutItem'] },
        ],
      },
    },
  },
  'record-delivery-evidence': {
    // A batch of up to 200 SES events from its queue (constructs/delivery-evidence.ts): one UpdateItem per
    // recipient, 16 in flight, and one per notice and channel for the counts.
    timeoutSeconds: 30,
    memoryMB: 512,
    // The queue's poller runs at most 10 batches at once (EVIDENCE_BATCH.maxConcurrency): the rest wait in
    // the queue instead of taking the account's concurrency from the workflow's steps.
    reservedConcurrency: 10,
    environment: ['DELIVERIES_TABLE'],
    // The customers' partitions, naming only the evidence item's attributes: an outcome's status, a claim or a plan stay out of reach.
    grants: {
      tables: {
        deliveries: [
          { prefixes: [CUSTOMER_PREFIX], actions: ['UpdateItem'], attributes: ['pk', 'sk', ...EVIDENCE_ATTRIBUTES] },
          // The notice's counts, bumped the first time an event is seen for a recipient.
          { prefixes: [EVIDENCE_COUNTS_PREFIX], actions: ['UpdateItem'], attributes: ['pk', 'sk', ...EVIDENCE_COUNT_ATTRIBUTES] },
          // The notice's list of recipients a channel will never reach (a permanent bounce, a rejection).
          { prefixes: [UNDELIVERABLE_PREFIX], actions: ['PutItem'], attributes: ['pk', 'sk', ...UNDELIVERABLE_ATTRIBUTES] },
        ],
      },
    },
  },
  'record-sms-status': {
    // A few DynamoDB round trips per record (a record before its outcome is kept, not waited for: steps/record-sms-status.ts), 25 of a batch at once.
    timeoutSeconds: 120,
    memoryMB: 512,
    // SMS status comes at the account's SMS rate, far below email's events; bounded all the same, like record-delivery-evidence.
    reservedConcurrency: 10,
    environment: ['CUSTOMERS_TABLE', 'DELIVERIES_TABLE'],
    grants: {
      tables: {
        // Who gave this number: the byPhone index's keys, nothing else of the directory.
        customers: [{ prefixes: ['+'], actions: ['Query'], attributes: PHONE_INDEX_ATTRIBUTES, index: BY_PHONE_INDEX }],
        deliveries: [
          // The customer's outcomes (which notice this message was), then the evidence item beside them.
          { prefixes: [CUSTOMER_PREFIX], actions: ['Query'], attributes: SMS_OUTCOME_ATTRIBUTES },
          { prefixes: [CUSTOMER_PREFIX], actions: ['UpdateItem'], attributes: ['pk', 'sk', ...EVIDENCE_ATTRIBUTES] },
          // A record that came before its outcome, kept in a partition of its own until recorded (forgotten then).
          { prefixes: [EARLY_SMS_STATUS_PREFIX], actions: ['PutItem'], attributes: EARLY_STATUS_ATTRIBUTES },
          { prefixes: [EARLY_SMS_STATUS_PREFIX], actions: ['DeleteItem'] },
          { prefixes: [EVIDENCE_COUNTS_PREFIX], actions: ['UpdateItem'], attributes: ['pk', 'sk', ...EVIDENCE_COUNT_ATTRIBUTES] },
          { prefixes: [UNDELIVERABLE_PREFIX], actions: ['PutItem'], attributes: ['pk', 'sk', ...UNDELIVERABLE_ATTRIBUTES] },
        ],
      },
    },
  },
  'regulator-clocks': {
    // Scheduled sweep: a page per reminder, missed deadline or missed promise to customers due (SNS, up to a provider call's 18 s each).
    timeoutSeconds: 120,
    memoryMB: 512,
    environment: ['INCIDENTS_TABLE', 'RESPONSE_TEAM_TOPIC_ARN', 'STATE_MACHINE_ARN'],
    // The running clocks' markers, each obligation's reminder and escalation records, the timeline, the team's topic;
    // a promise's marker is claimed by deleting it, and put back when its page could not go. For the operators'
    // gauges: the running executions, and the open incidents' approval requests without their task tokens.
    grants: {
      tables: {
        incidents: [
          { prefixes: [CLOCK_PREFIX], actions: ['Query', 'DeleteItem', 'PutItem'] },
          { prefixes: [INCIDENT_PREFIX], actions: ['GetItem', 'UpdateItem', 'PutItem'] },
          { prefixes: [INCIDENT_PREFIX], actions: ['Query'], attributes: [...APPROVAL_SUMMARY_ATTRIBUTES] },
        ],
      },
      publishToResponseTeam: true,
      stateMachine: 'list',
    },
  },
} as const satisfies Record<string, FunctionDescriptor>;

export type FunctionName = keyof typeof FUNCTIONS;

/**
 * The schema of the variables `name`'s handler reads, for `parseConfig` at load: its descriptor's list,
 * so the handler reads what the stack sets and nothing else. (Shared modules parse their own lists:
 * CLIENT_VARIABLES in shared/provider-clients.ts, INCIDENT_PAGE_VARIABLES in shared/incident-page-publishing.ts.)
 */
export function configSchema<N extends FunctionName>(name: N): ReturnType<typeof pick<(typeof FUNCTIONS)[N]['environment'][number]>> {
  return pick(...FUNCTIONS[name].environment);
}

/** Whether `name` may call SES or SNS, and so loads their clients (shared/ses-client.ts, sns-client.ts), which read CLIENT_VARIABLES. */
function callsProviders(name: FunctionName): boolean {
  const g: FunctionGrants = FUNCTIONS[name].grants;
  return Boolean(
    g.publishToResponseTeam || g.sendEmail || g.readSendQuota || g.readSuppressionLists || g.sendSms || g.publishToPublicChannels || g.readSmsSettings,
  );
}

/** Every variable `name` reads: its descriptor's, and the provider clients' if it calls SES or SNS. */
export function environmentKeys(name: FunctionName): EnvKey[] {
  return [...new Set<EnvKey>([...(callsProviders(name) ? CLIENT_VARIABLES : []), ...FUNCTIONS[name].environment])];
}

/** The variables of `name` only, with their values; an optional variable without a value is left unset. */
export function environmentOf(name: FunctionName, values: EnvironmentValues): Record<string, string> {
  return pickDefined(environmentKeys(name), values);
}

/** What the twin sets in its one process, shared by every handler: the union of every function's variables. */
export function unionEnvironment(values: EnvironmentValues): Record<string, string> {
  return pickDefined([...new Set((Object.keys(FUNCTIONS) as FunctionName[]).flatMap(environmentKeys))], values);
}

function pickDefined(keys: EnvKey[], values: EnvironmentValues): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of keys) {
    const value = values[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}
