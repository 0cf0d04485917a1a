/**
 * Paces one sender to `ratePerSecond` recipients with a token bucket, the model SES applies to the
 * account's MaxSendRate: a call goes when the bucket holds its size (a call bigger than the bucket,
 * when it is full) and may leave it in debt, which the next call waits off. The bucket starts empty
 * (a full one let twice the rate through the first second: 185 emails at 100/s, measured), and time
 * fills it only up to the next call, so a sender that fell behind does not catch up in a burst. Over
 * any stretch of T seconds a sender sends at most rate x T plus one call (50 at most). What a call did
 * not use is given back, up to one call's worth. The Map runs `concurrency` senders, each with its
 * share of the account's rate (see steps/prepare-sending.ts), so together they stay under it without a
 * shared write per call.
 */
export interface Pacer {
  /** Resolves when `count` recipients may be sent. */
  take(count: number): Promise<void>;
  /** Returns what was taken but not sent (a call found already settled), up to one call's worth. */
  giveBack(count: number): void;
}

export function pacer(ratePerSecond: number | undefined, now: () => number, sleep: (ms: number) => Promise<void>): Pacer {
  if (!ratePerSecond || !Number.isFinite(ratePerSecond) || ratePerSecond <= 0) return { take: async () => undefined, giveBack: () => undefined };
  const capacity = Math.max(ratePerSecond, 1);
  let tokens = 0;
  let at = now();
  return {
    async take(count) {
      // A call larger than the bucket waits for a full bucket and then goes: the next waits longer.
      const need = Math.min(count, capacity);
      for (;;) {
        const t = now();
        // Time refills only up to this call: a sender that fell behind (a slow call) does not catch up
        // in a burst (a full second's worth let 150 emails through one second at 100/s, measured).
        tokens = Math.max(tokens, Math.min(need, tokens + ((t - at) / 1000) * ratePerSecond));
        at = t;
        if (tokens >= need) {
          tokens -= count;
          return;
        }
        await sleep(Math.ceil(((need - tokens) / ratePerSecond) * 1000));
      }
    },
    giveBack(count) {
      // Up to what this call took: several settled calls handing back at once must not let two calls out together.
      if (count > 0) tokens = Math.max(tokens, Math.min(count, tokens + count));
    },
  };
}
