import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Attempts of one TransactWriteItems cancelled only by conflicts, the first included. */
export const TRANSACTION_CONFLICT_ATTEMPTS = 4;

/**
 * A TransactWriteItems that DynamoDB cancelled because another transaction or write was in progress
 * on one of its items: every cancellation reason is `None` or `TransactionConflict`. It wrote
 * nothing (transactions are all-or-nothing), so running it again re-evaluates every condition.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-conflict-handling
 */
export function cancelledOnlyByConflict(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e?.name !== 'TransactionCanceledException' || !e.CancellationReasons) return false;
  const codes = e.CancellationReasons.map((r) => r.Code ?? 'None');
  return codes.includes('TransactionConflict') && codes.every((c) => c === 'None' || c === 'TransactionConflict');
}

/**
 * Retries conflicting transactions with jittered backoff. The SDK's own retries do not: a
 * TransactionCanceledException is a client error to them. Without this, an approver's decision that
 * met a facts edit on the incident's item failed with a 500 instead of being decided (or found stale).
 */
export function retryTransactionConflicts(client: DynamoDBClient, attempts = TRANSACTION_CONFLICT_ATTEMPTS, baseDelayMs = 25): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await next(args);
        } catch (error) {
          if (attempt >= attempts || !cancelledOnlyByConflict(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random())));
        }
      }
    },
    { step: 'initialize', name: 'retryTransactionConflicts' },
  );
}
