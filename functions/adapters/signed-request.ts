import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { BreachNoticeError } from '../shared/errors.js';

/**
 * A SigV4-signed HTTPS call for the two AWS APIs this project uses without an SDK client in the
 * lockfile (S3 PutObject, Secrets Manager GetSecretValue): the signer and credential chain the SDK
 * clients themselves use, one attempt, the caller's timeout. Endpoints follow the SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>` convention, which is how the twin redirects them.
 */
export interface SignedCall {
  service: 's3' | 'secretsmanager';
  method: 'GET' | 'PUT' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** SHA-256 (HMAC with a secret) from node:crypto, in the shape SignatureV4 takes. */
export class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

const credentials = defaultProvider();

/** A 4xx/5xx from the service: the name is the service's error code when it gives one. */
export class AwsCallError extends BreachNoticeError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function signedCall(call: SignedCall, region: string, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  const signer = new SignatureV4({ service: call.service, region, credentials, sha256: Sha256, uriEscapePath: call.service !== 's3' });
  const signed = await signer.sign({
    method: call.method,
    protocol: call.url.protocol,
    hostname: call.url.hostname,
    port: call.url.port ? Number(call.url.port) : undefined,
    path: call.url.pathname,
    query: {},
    headers: { ...call.headers, host: call.url.host },
    body: call.body,
  });
  const response = await fetch(call.url, { method: call.method, headers: signed.headers, body: call.body, signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  if (!response.ok) throw new AwsCallError(`${call.service} ${call.method} answered ${response.status}: ${body.slice(0, 300)}`, response.status);
  return { status: response.status, body };
}

export const sha256Hex = (body: string) => createHash('sha256').update(body).digest('hex');
