import { DependencyError } from '../shared/errors.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Throttling as SES v2 (TooManyRequestsException, 429) and SNS (Throttled, 429) answer it. */
const isThrottled = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode === 429 || /TooManyRequests|Throttl/.test(e?.name ?? '');
};

/**
 * One list call of a provider's list (suppression list, opted-out numbers), which answers a batch and a
 * token for the next: the provider clients make one attempt per call, so a throttled call is made again
 * here, with backoff. Reads only: repeating one never sends anything.
 */
export async function withBackoff<T>(read: () => Promise<T>, attempts = 8, baseMs = 250): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      if (!isThrottled(error)) throw error;
      if (attempt >= attempts) throw new DependencyError(`Still throttled after ${attempts} attempts: ${(error as Error).name}`, { cause: error });
      await sleep(Math.min(baseMs * 2 ** (attempt - 1), 8000));
    }
  }
}
