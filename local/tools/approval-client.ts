/**
 * Decides like a person at a browser: reads the link and the code from the approval email's text,
 * opens the page (which sets the CSRF cookie and token), types the code and submits. Used by the
 * benchmark and the end-to-end tests; a scanner following links never has the code.
 */
/** The link path and, when the deployment puts it there, the code ('' when it comes by SMS). */
export function linkAndCode(emailText: string): { path: string; code: string } {
  const path = /\/approvals\/[A-Za-z0-9_-]{43}/.exec(emailText)?.[0];
  if (!path) throw new Error('No approval link in this email');
  return { path, code: /code to type on the page: (\d+)/.exec(emailText)?.[1] ?? '' };
}

export function formToken(html: string): string {
  return /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

export async function decideByEmail(baseUrl: string, emailText: string, decision: 'approve' | 'reject', reason = ''): Promise<Response> {
  const { path, code } = linkAndCode(emailText);
  if (!code) throw new Error('This deployment sends the approval code by SMS (approvalCodeChannel sms): read it from /_aws/sns/sms-messages');
  const page = await fetch(`${baseUrl}${path}`);
  const cookie = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = formToken(await page.text());
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ decision, reason, code, csrf }),
  });
}
