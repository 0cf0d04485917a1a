import { signedCall } from './signed-request.js';

/**
 * Reads a secret's string from Secrets Manager (GetSecretValue) once per runtime; the twin answers at
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER` with a key it generates at start.
 */
export function secretString(secretId: string, region: string, endpoint: string | undefined): () => Promise<string> {
  let value: Promise<string> | undefined;
  return () => {
    value ??= signedCall(
      {
        service: 'secretsmanager',
        method: 'POST',
        url: new URL(endpoint ?? `https://secretsmanager.${region}.amazonaws.com/`),
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
        body: JSON.stringify({ SecretId: secretId }),
      },
      region,
    ).then(({ body }) => {
      const secret = (JSON.parse(body) as { SecretString?: string }).SecretString;
      if (!secret || secret.length < 32) throw new Error(`Secret ${secretId} holds no usable key`);
      return secret;
    }, (error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
