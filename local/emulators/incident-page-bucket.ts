import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, normalize, sep } from 'node:path';
import { INCIDENT_PAGE_SECURITY_HEADERS } from '../../functions/domain/incident-page.js';
import { keepIdleConnections, readBody } from '../twin/http-util.js';

/** Object keys the pages use: `<incidentId>/<locale>.html|json`; nothing else is stored or served. */
const INCIDENT_PAGE_KEY = /^inc-\d{8}-[0-9a-f]{12}\/[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?\.(html|json)$/;

const fileFor = (dir: string, key: string) => {
  const file = normalize(join(dir, key));
  if (!file.startsWith(dir + sep)) throw new Error(`Key ${key} leaves the folder`);
  return file;
};

/**
 * The twin's stand-in for the incident pages' bucket: S3's path-style PutObject
 * (`PUT /<bucket>/<key>`, as the S3 page store sends it to AWS_ENDPOINT_URL_S3) writes the object into
 * `dir`; nothing else of S3 is spoken.
 */
export async function startIncidentPageBucket(dir: string, bucket: string): Promise<{ url: string; server: Server }> {
  mkdirSync(dir, { recursive: true });
  const server = keepIdleConnections(
    createServer((req, res) => {
      void (async () => {
        const [, name, ...rest] = decodeURIComponent((req.url ?? '/').split('?')[0]!).split('/');
        const key = rest.join('/');
        if (
          req.method !== 'PUT' ||
          name !== bucket ||
          !INCIDENT_PAGE_KEY.test(key) ||
          !String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')
        ) {
          res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
          return;
        }
        const body = await readBody(req);
        const file = fileFor(dir, key);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, body);
        res.writeHead(200, { etag: '"local"' }).end();
      })().catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * Serves `GET|HEAD /pages/<incidentId>/<locale>.html|json` from `dir` with the headers CloudFront's
 * response headers policy adds in AWS. False when the path is not an incident page's.
 */
export function serveIncidentPage(dir: string, req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '/').split('?')[0]!;
  if (!path.startsWith('/pages/')) return false;
  const key = decodeURIComponent(path.slice('/pages/'.length));
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !INCIDENT_PAGE_KEY.test(key)) {
    res.writeHead(404, { 'content-type': 'text/plain', ...INCIDENT_PAGE_SECURITY_HEADERS }).end('Not found');
    return true;
  }
  let body: Buffer;
  try {
    body = readFileSync(fileFor(dir, key));
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain', ...INCIDENT_PAGE_SECURITY_HEADERS }).end('Not found');
    return true;
  }
  const type = key.endsWith('.json') ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8';
  res
    .writeHead(200, { 'content-type': type, 'cache-control': 'public, max-age=60', ...INCIDENT_PAGE_SECURITY_HEADERS })
    .end(req.method === 'HEAD' ? undefined : body);
  return true;
}
