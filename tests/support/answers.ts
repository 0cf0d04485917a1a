import { loadHandler } from '../../local/twin/handlers.js';
import { invokeHttpApi } from '../../local/twin/http-api.js';
import type { Scenario } from './scenario.js';

/**
 * A POST to the twin's operator API as an operator's SigV4 client sends it: the twin's stand-in for
 * the IAM authorizer takes the signature's form and names the caller by its access key id.
 */
export async function operatorPost(s: Scenario, path: string, body: unknown, operator = 'alice'): Promise<{ status: number; body: Record<string, unknown> }> {
  const out = await invokeHttpApi(s.system.operatorApi, {
    method: 'POST',
    path,
    headers: {
      host: '127.0.0.1',
      'content-type': 'application/json',
      authorization: `AWS4-HMAC-SHA256 Credential=${operator}/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=content-type;host, Signature=${'0'.repeat(64)}`,
    },
    body: JSON.stringify(body),
  });
  return { status: out.statusCode ?? 0, body: JSON.parse(out.body ?? '{}') as Record<string, unknown> };
}

/** `npm run incident -- answer` as the operator API receives it. */
export const answerOnTwin = (
  s: Scenario,
  incidentId: string,
  questionId: string,
  body: { locale: string; text: string; faq?: boolean; faqQuestion?: string },
) => operatorPost(s, `/operator/incidents/${incidentId}/questions/${questionId}/answer`, body);

/** The link id of the confirmation email's text. */
export function confirmLinkOf(text: string): string {
  const linkId = /\/confirm\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
  if (!linkId) throw new Error('No confirmation link in this email');
  return linkId;
}

/** The asker opens the confirmation link (GET sets the cookie and shows the button) and presses it (POST). */
export async function confirmOnTwin(linkId: string) {
  const handler = await loadHandler('confirm-address');
  const view = await invokeHttpApi(handler, { method: 'GET', path: `/confirm/${linkId}` });
  const cookie = (view.cookies ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(view.body ?? '')?.[1] ?? '';
  const out = await invokeHttpApi(handler, {
    method: 'POST',
    path: `/confirm/${linkId}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ csrf }).toString(),
  });
  return { view, out };
}
