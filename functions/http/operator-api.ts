import * as z from 'zod';
import { factsGaps, noticeFactsSchema, type FactsVersion } from '../domain/facts.js';
import { incidentIdSchema } from '../domain/incident.js';
import type { Locale } from '../domain/locales.js';
import type { EvidenceStorePort, FactsStorePort, NoticeStorePort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';
import { describeScope } from '../domain/scope.js';
import { FactsVersionConflictError, IncidentClosedError, IncidentNotFoundError, NoticeNotFoundError } from '../shared/errors.js';
import { answerQuestion, EmptyAnswerError, FaqQuestionRequiredError, QuestionNotFoundError, type AnswerQuestionDeps } from '../steps/answer-question.js';
import { editFacts, type EditDeps } from '../steps/edit-facts.js';
import { closeIncidentNow, decideScope, requestRedraft, type TeamDecisionDeps } from '../steps/team-decisions.js';
import { resumeSending } from '../steps/resume-sending.js';

/**
 * The largest body accepted. The facts schema bounds what is saved; this bounds what is read before
 * it is parsed. The largest valid body (every field at its limit in every supported locale, every
 * non-ASCII character escaped as \uXXXX, as Python's json.dumps does by default) is under 330 KB.
 */
export const MAX_BODY_BYTES = 512 * 1024;

export interface OperatorApiDeps extends EditDeps, TeamDecisionDeps {
  facts: EditDeps['facts'] & Pick<FactsStorePort, 'getFacts'>;
  team: EditDeps['team'] & TeamDecisionDeps['team'];
  incidents: EditDeps['incidents'] & TeamDecisionDeps['incidents'];
  notices: EditDeps['notices'] & TeamDecisionDeps['notices'] & Pick<NoticeStorePort, 'resumeSending'>;
  /** A notice's email evidence counts: the rates the team saw when it resumed sending (steps/resume-sending.ts). */
  evidence: Pick<EvidenceStorePort, 'counts'>;
  clock: Clock;
  approvals: EditDeps['approvals'] & TeamDecisionDeps['approvals'] & AnswerQuestionDeps['approvals'];
  /**
   * Answering customers' questions with this function's own settings: the deployment's approvers,
   * quorum, link base and code channel, whoever calls and from wherever.
   */
  answers: Omit<AnswerQuestionDeps, 'incidents' | 'approvals'>;
}

/** The operator API's resources below /operator/incidents/{id}/ (`answer`: .../questions/{questionId}/answer; `resume-sending`: .../notices/{noticeId}/resume-sending). */
export type OperatorResource = 'facts' | 'scope' | 'close' | 'redraft' | 'answer' | 'resume-sending';

/** What the handler takes from API Gateway's event: nothing else reaches the logic. */
export interface OperatorRequest {
  method: string;
  /** The route's last path segment. @default 'facts' */
  resource?: OperatorResource;
  /** The `{id}` path parameter. */
  incidentId: string;
  /** The `{questionId}` path parameter of the answer route. */
  questionId?: string;
  /** The `{noticeId}` path parameter of the resume-sending route. */
  noticeId?: string;
  /** The `version` query parameter of a GET. */
  version?: string;
  /** The body as text (already base64-decoded). */
  body?: string;
  /** The IAM identity API Gateway authenticated (`authorizer.iam.userArn`); absent means unauthenticated. */
  caller?: string;
}

export interface OperatorResponse {
  status: number;
  body: Record<string, unknown>;
}

const versionParam = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, 'expected a version number 1, 2, 3 ...')
  .transform(Number);

/** Strict: a misspelt field ("measure") is refused, not silently dropped. */
function putBodySchema(locales: EditDeps['locales']) {
  return z
    .object({
      expectedVersion: z.number().int().min(0).max(999_999_999),
      locales: z
        .partialRecord(z.enum(locales as readonly [string, ...string[]]), noticeFactsSchema.strict())
        .refine((given) => Object.keys(given).length > 0, `name at least one of the locales notices are written in (${locales.join(', ')})`),
    })
    .strict();
}

const answer = (status: number, body: Record<string, unknown>): OperatorResponse => ({ status, body });
const notFound = (incidentId: string) => answer(404, { message: `No incident ${incidentId}` });

/** The latest version of the facts (version 0, empty, when nothing is written yet), or `version`. */
async function getFacts(request: OperatorRequest, deps: OperatorApiDeps): Promise<OperatorResponse> {
  const version = request.version === undefined ? undefined : versionParam.safeParse(request.version);
  if (version && !version.success) return answer(400, { message: 'Bad version parameter', issues: version.error.issues });
  await deps.incidents.getIncident(request.incidentId);
  const found: FactsVersion | undefined = version
    ? await deps.facts.getFacts(request.incidentId, version.data)
    : ((await deps.facts.latestFacts(request.incidentId)) ?? { incidentId: request.incidentId, version: 0, author: '', at: '', locales: {} });
  if (!found) return answer(404, { message: `Incident ${request.incidentId} has no facts version ${version?.data}` });
  return answer(200, { ...found, gaps: factsGaps(found, deps.locales) });
}

/** A new version of the facts by the caller, on top of `expectedVersion`: editFacts decides the rest. */
async function putFacts(request: OperatorRequest, caller: string, deps: OperatorApiDeps): Promise<OperatorResponse> {
  const text = request.body ?? '';
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) return answer(413, { message: `The body is larger than ${MAX_BODY_BYTES / 1024} KiB` });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return answer(400, { message: 'The body is not JSON' });
  }
  const parsed = putBodySchema(deps.locales).safeParse(json);
  if (!parsed.success) return answer(400, { message: 'Nothing saved: the body does not match { expectedVersion, locales }', issues: parsed.error.issues });
  try {
    const result = await editFacts(
      { incidentId: request.incidentId, author: caller, locales: parsed.data.locales, expectedVersion: parsed.data.expectedVersion },
      deps,
    );
    return answer(200, { ...result });
  } catch (error) {
    if (error instanceof FactsVersionConflictError) return answer(409, { message: `Nothing saved: ${error.message}` });
    throw error;
  }
}

/** The body's JSON, or a 400/413 answer. */
function readJson(request: OperatorRequest): { json: unknown } | { error: OperatorResponse } {
  const text = request.body ?? '';
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) return { error: answer(413, { message: `The body is larger than ${MAX_BODY_BYTES / 1024} KiB` }) };
  if (text.trim() === '') return { json: {} };
  try {
    return { json: JSON.parse(text) };
  } catch {
    return { error: answer(400, { message: 'The body is not JSON' }) };
  }
}

/** GET: the decisions so far (ids counted, not listed); PUT: a new decision by the caller (see decideScope). */
async function scope(request: OperatorRequest, caller: string, deps: OperatorApiDeps): Promise<OperatorResponse> {
  if (request.method === 'GET') {
    const incident = await deps.incidents.getIncident(request.incidentId);
    const decisions = (await deps.team.listScopeDecisions(request.incidentId)).map(({ customerIds, ...d }) => ({
      ...d,
      ids: customerIds.length,
      summary: describeScope({ ...d, customerIds }),
    }));
    return answer(200, {
      scope: incident.scope,
      appliedVersion: incident.scopeVersion ?? 0,
      affectedCustomers: incident.impact?.affectedCustomers ?? 0,
      decisions,
    });
  }
  if (request.method !== 'PUT') return answer(405, { message: `${request.method} is not allowed here: GET or PUT` });
  const read = readJson(request);
  if ('error' in read) return read.error;
  try {
    return answer(200, { ...(await decideScope({ incidentId: request.incidentId, author: caller, request: read.json }, deps)) });
  } catch (error) {
    if (error instanceof z.ZodError)
      return answer(400, {
        message: 'Nothing decided: the body does not match { basis, resources?, customerIds?, countries?, dataCategories?, mode?, reason }',
        issues: error.issues,
      });
    throw error;
  }
}

/** POST close (optional { reason }) or redraft: the team's other two words to a waiting workflow. */
async function teamAction(request: OperatorRequest, caller: string, deps: OperatorApiDeps): Promise<OperatorResponse> {
  if (request.method !== 'POST') return answer(405, { message: `${request.method} is not allowed here: POST` });
  const read = readJson(request);
  if ('error' in read) return read.error;
  if (request.resource === 'redraft') return answer(200, { ...(await requestRedraft({ incidentId: request.incidentId, author: caller }, deps)) });
  const body = z
    .object({ reason: z.string().trim().min(1).max(1000).optional() })
    .strict()
    .safeParse(read.json);
  if (!body.success) return answer(400, { message: 'The body may hold { reason } only', issues: body.error.issues });
  return answer(200, {
    ...(await closeIncidentNow({ incidentId: request.incidentId, author: caller, ...(body.data.reason ? { reason: body.data.reason } : {}) }, deps)),
  });
}

/**
 * An answer to a customer's question; with `faq`, the question as the page would show it, in the team's
 * words. Nothing else: who approves, how many and through which links is this function's configuration.
 */
function answerBodySchema(locales: EditDeps['locales']) {
  return z
    .object({
      locale: z.enum(locales as readonly [Locale, ...Locale[]]),
      text: z.string().trim().min(1).max(5000),
      faq: z.boolean().default(false),
      faqQuestion: z.string().trim().min(5).max(500).optional(),
    })
    .strict()
    .refine((b) => !b.faq || b.faqQuestion !== undefined, {
      message: "an answer for the page needs faqQuestion: the question in the team's own words, without personal data",
      path: ['faqQuestion'],
    });
}

/** POST .../questions/{questionId}/answer by the caller: recorded, emailed (once the asker's address is confirmed) and, with `faq`, sent for approval. */
async function answerRoute(request: OperatorRequest, caller: string, deps: OperatorApiDeps): Promise<OperatorResponse> {
  if (request.method !== 'POST') return answer(405, { message: `${request.method} is not allowed here: POST` });
  const read = readJson(request);
  if ('error' in read) return read.error;
  const body = answerBodySchema(deps.locales).safeParse(read.json);
  if (!body.success)
    return answer(400, { message: 'Nothing answered: the body does not match { locale, text, faq?, faqQuestion? }', issues: body.error.issues });
  await deps.incidents.getIncident(request.incidentId);
  try {
    const result = await answerQuestion(
      { incidentId: request.incidentId, questionId: request.questionId ?? '', author: caller, ...body.data },
      { ...deps.answers, incidents: deps.incidents, approvals: deps.approvals },
    );
    return answer(200, { ...result });
  } catch (error) {
    if (error instanceof QuestionNotFoundError) return answer(404, { message: error.message });
    if (error instanceof EmptyAnswerError || error instanceof FaqQuestionRequiredError) return answer(400, { message: error.message });
    throw error;
  }
}

/** POST .../notices/{noticeId}/resume-sending: the caller sends a notice the reputation guard paused on despite its rates; 409 when it is not being sent. */
async function resumeRoute(request: OperatorRequest, caller: string, deps: OperatorApiDeps): Promise<OperatorResponse> {
  if (request.method !== 'POST') return answer(405, { message: `${request.method} is not allowed here: POST` });
  const result = await resumeSending({ incidentId: request.incidentId, noticeId: request.noticeId ?? '', author: caller }, deps);
  if (result.outcome === 'not-sending')
    return answer(409, { message: `${request.noticeId} is ${result.status}, not being sent: nothing to resume`, ...result });
  return answer(200, { ...result });
}

/**
 * GET and PUT /operator/incidents/{id}/facts and /scope, POST /close, /redraft,
 * /questions/{questionId}/answer and /notices/{noticeId}/resume-sending. In AWS, API Gateway's IAM authorizer has checked the
 * caller's signature and its execute-api:Invoke permission before this runs; without an identity
 * nothing is read or written (403), so a route deployed without the authorizer fails closed.
 */
export async function operatorRequest(request: OperatorRequest, deps: OperatorApiDeps): Promise<OperatorResponse> {
  if (!request.caller) return answer(403, { message: 'No caller identity: the operator API needs IAM authorization' });
  if (!incidentIdSchema.safeParse(request.incidentId).success) return notFound(request.incidentId);
  try {
    const resource = request.resource ?? 'facts';
    if (resource === 'scope') return await scope(request, request.caller, deps);
    if (resource === 'close' || resource === 'redraft') return await teamAction(request, request.caller, deps);
    if (resource === 'answer') return await answerRoute(request, request.caller, deps);
    if (resource === 'resume-sending') return await resumeRoute(request, request.caller, deps);
    if (request.method === 'GET') return await getFacts(request, deps);
    if (request.method === 'PUT') return await putFacts(request, request.caller, deps);
    return answer(405, { message: `${request.method} is not allowed here: GET or PUT` });
  } catch (error) {
    if (error instanceof IncidentNotFoundError) return notFound(request.incidentId);
    if (error instanceof IncidentClosedError || error instanceof NoticeNotFoundError) return answer(409, { message: error.message });
    throw error;
  }
}
