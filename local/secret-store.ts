import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './http-util.js';

/**
 * The twin's stand-in for Secrets Manager: GetSecretValue (JSON protocol) of the one secret it holds,
 * a random key generated at start, never written anywhere. Anything else is refused.
 */
export async function startSecretStore(secretId: string): Promise<{ url: string; server: Server }> {
  const value = randomBytes(48).toString('base64url');
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      let id: unknown;
      try {
        id = (JSON.parse(body || '{}') as { SecretId?: unknown }).SecretId;
      } catch {
        id = undefined;
      }
      const signed = String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ');
      if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' || !signed || id !== secretId) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'Secrets Manager can\'t find the specified secret.' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ ARN: secretId, Name: secretId, SecretString: value }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
