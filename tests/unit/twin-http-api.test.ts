import { describe, expect, it } from 'vitest';
import { invokeHttpApi, localIamIdentity, matchRoute } from '../../local/twin/http-api.js';

const signed = (accessKey: string, service = 'execute-api') =>
  `AWS4-HMAC-SHA256 Credential=${accessKey}/20261123/us-east-1/${service}/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${'5a'.repeat(32)}`;
const path = '/operator/incidents/inc-20261120-0123456789ab/facts';

/** A handler that records the events it gets: the twin's API Gateway must not call it when it refuses. */
function recorder() {
  const events: {
    requestContext: { authorizer?: { iam?: { userArn?: string } }; routeKey: string };
    pathParameters?: Record<string, string>;
    queryStringParameters?: Record<string, string>;
  }[] = [];
  const handler = async (event: unknown) => {
    events.push(event as (typeof events)[number]);
    return { statusCode: 200, body: '{}' };
  };
  return { events, handler };
}

describe("the twin's stand-in for the IAM authorizer", () => {
  it('takes a SigV4 execute-api signature (as curl --aws-sigv4 and the SDK write it) from loopback, and its access key id names the operator', async () => {
    // Prepare
    const { events, handler } = recorder();
    // Act
    const out = await invokeHttpApi(handler, {
      method: 'GET',
      path: `${path}?version=2`,
      headers: { Authorization: signed('alice'), Host: '127.0.0.1:4566' },
      sourceIp: '127.0.0.1',
    });
    // Assess
    expect(out.statusCode).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]!.requestContext.authorizer?.iam).toMatchObject({
      accessKey: 'alice',
      accountId: '000000000000',
      userArn: 'arn:aws:iam::000000000000:user/alice',
    });
    expect(events[0]!.requestContext.routeKey).toBe('GET /operator/incidents/{id}/facts');
    expect(events[0]!.pathParameters).toEqual({ id: 'inc-20261120-0123456789ab' });
    expect(events[0]!.queryStringParameters).toEqual({ version: '2' });
  });

  it.each([
    ['no Authorization header', {}, '127.0.0.1'],
    ['a signature for another service', { authorization: signed('alice', 'sns') }, '127.0.0.1'],
    ['a bearer token', { authorization: 'Bearer alice' }, '127.0.0.1'],
    ['a truncated signature', { authorization: signed('alice').slice(0, -2) }, '127.0.0.1'],
    ['an access key id with a slash', { authorization: signed('a/b') }, '127.0.0.1'],
    ['a request from off this machine', { authorization: signed('alice') }, '192.168.1.20'],
    ['a Host naming another site (a DNS-rebinding page)', { authorization: signed('alice'), host: 'evil.example:4566' }, '127.0.0.1'],
  ])("answers API Gateway's 403 to %s without calling the function", async (_, headers, sourceIp) => {
    // Prepare
    const { events, handler } = recorder();
    // Act
    const out = await invokeHttpApi(handler, { method: 'PUT', path, headers, body: '{}', sourceIp });
    // Assess
    expect(out).toMatchObject({ statusCode: 403, body: '{"message":"Forbidden"}' });
    expect(events).toEqual([]);
  });

  it('leaves the approval routes open and unauthenticated, and answers 404 where API Gateway has no route', async () => {
    // Prepare
    const { events, handler } = recorder();
    // Act
    const approval = await invokeHttpApi(handler, { method: 'GET', path: '/approvals/abc' });
    const statuses = await Promise.all([
      invokeHttpApi(handler, { method: 'DELETE', path, headers: { authorization: signed('alice') } }),
      invokeHttpApi(handler, { method: 'GET', path: '/operator/incidents/x', headers: { authorization: signed('alice') } }),
      invokeHttpApi(handler, { method: 'PUT', path: '/approvals/abc' }),
    ]);
    // Assess
    expect(approval.statusCode).toBe(200);
    expect(events.map((e) => [e.requestContext.routeKey, e.requestContext.authorizer])).toEqual([['GET /approvals/{linkId}', undefined]]);
    expect(statuses.map((s) => s.statusCode)).toEqual([404, 404, 404]);
  });

  it('matches routes as API Gateway does: by method and whole path segments', () => {
    expect(matchRoute('GET', '/approvals/a%2Fb')?.pathParameters).toEqual({ linkId: 'a/b' });
    expect(matchRoute('HEAD', path)).toBeUndefined();
    expect(matchRoute('GET', `${path}/more`)).toBeUndefined();
    expect(localIamIdentity({ headers: { authorization: signed('ops@example.com') }, sourceIp: '::1' })?.userArn).toBe(
      'arn:aws:iam::000000000000:user/ops@example.com',
    );
  });
});
