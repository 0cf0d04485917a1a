import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keepIdleConnections, readBody } from '../twin/http-util.js';

/**
 * The twin's stand-in for Secrets Manager: GetSecretValue (JSON protocol) of the one secret it holds,
 * by staging label (AWSCURRENT by default, AWSPREVIOUS once rotated) or version id; random keys
 * generated at start and by `rotate`, never written anywhere. `rotate` moves the labels as
 * PutSecretValue does in AWS: the new version becomes AWSCURRENT, the one it replaced AWSPREVIOUS.
 * Anything else is refused.
 */
export async function startSecretStore(secretId: string): Promise<{ url: string; server: Server; rotate: () => void }> {
  const version = () => ({ id: randomUUID(), value: randomBytes(48).toString('base64url') });
  let current = version();
  let previous: { id: string; value: string } | undefined;
  const refuse = (res: ServerResponse) =>
    res
      .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
      .end(JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }));
  const server = keepIdleConnections(
    createServer((req, res) => {
      void readBody(req).then((body) => {
        let request: { SecretId?: unknown; VersionStage?: unknown; VersionId?: unknown };
        try {
          request = JSON.parse(body || '{}') as typeof request;
        } catch {
          request = {};
        }
        const signed = String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ');
        if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' || !signed || request.SecretId !== secretId) {
          refuse(res);
          return;
        }
        const stage = request.VersionStage ?? (request.VersionId === undefined ? 'AWSCURRENT' : undefined);
        const found =
          stage === 'AWSCURRENT'
            ? current
            : stage === 'AWSPREVIOUS'
              ? previous
              : [current, previous].find((v) => v !== undefined && v.id === request.VersionId);
        if (!found) {
          refuse(res);
          return;
        }
        const stages = found === current ? ['AWSCURRENT'] : ['AWSPREVIOUS'];
        res
          .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify({ ARN: secretId, Name: secretId, VersionId: found.id, SecretString: found.value, VersionStages: stages }));
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    rotate: () => {
      previous = current;
      current = version();
    },
  };
}
