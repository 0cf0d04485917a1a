import type { FormKeys } from '../domain/question-form.js';
import type { Clock } from '../shared/clock.js';
import { BreachNoticeError } from '../shared/errors.js';
import { AwsCallError, signedCall } from './signed-request.js';

/** How long an instance uses the keys it read: after a rotation every instance signs with the new key within this. */
export const KEY_CACHE_MS = 5 * 60_000;
/** A token signed with a version this instance does not hold reads the keys again, at most this often. */
export const KEY_REFRESH_FLOOR_MS = 10_000;

type Stage = 'AWSCURRENT' | 'AWSPREVIOUS';
type KeyVersion = FormKeys['current'];

/** Where the form's keys come from: `refresh` when a token names a version not held (another instance read it first). */
export interface FormKeySource {
  get(): Promise<FormKeys>;
  refresh(): Promise<FormKeys>;
}

/**
 * The form's keys, read per stage and cached for KEY_CACHE_MS. A failed read is not cached. Without a
 * previous version (never rotated) the current one alone signs and checks.
 */
export function cachedFormKeys(readStage: (stage: Stage) => Promise<KeyVersion | undefined>, clock: Clock): FormKeySource {
  let cached: { at: number; keys: Promise<FormKeys> } | undefined;
  const load = (): Promise<FormKeys> => {
    const keys = Promise.all([readStage('AWSCURRENT'), readStage('AWSPREVIOUS')]).then(([current, previous]) => {
      if (!current) throw new FormKeyMissingError('The question form key has no AWSCURRENT version');
      return previous && previous.version !== current.version ? { current, previous } : { current };
    });
    const entry = { at: clock.now().getTime(), keys };
    cached = entry;
    keys.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return keys;
  };
  const within = (ms: number) => cached !== undefined && clock.now().getTime() - cached.at < ms;
  return {
    get: () => (within(KEY_CACHE_MS) ? cached!.keys : load()),
    refresh: () => (within(KEY_REFRESH_FLOOR_MS) ? cached!.keys : load()),
  };
}

/**
 * GetSecretValue of one staging label. Putting a new value (PutSecretValue, or a rotation) moves
 * AWSCURRENT to it and AWSPREVIOUS to the version it replaced
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html); before the
 * first rotation there is no AWSPREVIOUS and the call answers ResourceNotFoundException. The twin
 * answers at `AWS_ENDPOINT_URL_SECRETS_MANAGER` with keys it generates.
 */
export function secretStage(secretId: string, region: string, endpoint: string | undefined): (stage: Stage) => Promise<KeyVersion | undefined> {
  return async (stage) => {
    let body: string;
    try {
      ({ body } = await signedCall(
        {
          service: 'secretsmanager',
          method: 'POST',
          url: new URL(endpoint ?? `https://secretsmanager.${region}.amazonaws.com/`),
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
          body: JSON.stringify({ SecretId: secretId, VersionStage: stage }),
        },
        region,
      ));
    } catch (error) {
      if (stage === 'AWSPREVIOUS' && error instanceof AwsCallError && error.status === 400 && error.message.includes('ResourceNotFoundException'))
        return undefined;
      throw error;
    }
    const { SecretString: key, VersionId: version } = JSON.parse(body) as { SecretString?: string; VersionId?: string };
    if (!key || key.length < 32 || !version) throw new FormKeyMissingError(`Secret ${secretId} (${stage}) holds no usable key`);
    return { version, key };
  };
}

export class FormKeyMissingError extends BreachNoticeError {}
