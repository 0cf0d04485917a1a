import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConfirmationLink } from '../domain/address-confirmation.js';
import type { Incident } from '../domain/incident.js';
import { ADDRESS_RETENTION_DAYS, FormTokenUsedError, QUESTION_RETENTION_DAYS, type CustomerQuestion, type FormToken } from '../domain/question-form.js';
import type { Clock } from '../shared/clock.js';
import { queryAll } from './dynamo-batch.js';
import { keys, questionPartition } from './keys.js';

const strip = ({ pk: _pk, sk: _sk, type: _type, ttl: _ttl, ...rest }: Record<string, unknown>) => rest as unknown as CustomerQuestion;
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Whether a transaction was cancelled by its `index`th item's condition (or a concurrent transaction on it). */
const cancelledAt = (error: unknown, index: number) =>
  error instanceof TransactionCanceledException && ['ConditionalCheckFailed', 'TransactionConflict'].includes(error.CancellationReasons?.[index]?.Code ?? '');

/**
 * Customers' questions, in a partition per incident of their own (`QUESTION#<id>`): the question's
 * text in one item, kept QUESTION_RETENTION_DAYS; the asker's address in another, deleted when the
 * answer is emailed and kept ADDRESS_RETENTION_DAYS at most. A published answer is copied into the
 * incident's collection (`FAQ#`), so the page reads neither (functions/adapters/incident-page-records.ts).
 */
export class QuestionStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores the question, its address and the use of the form token that carried it in one
   * transaction: a token used before stores nothing (FormTokenUsedError), however many requests race.
   */
  async putQuestion(question: CustomerQuestion, token?: FormToken): Promise<void> {
    const { email, ...rest } = question;
    const asked = epochSeconds(question.askedAt);
    const items = [
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.question(question.incidentId, question.questionId), type: 'question', ...rest, ttl: asked + QUESTION_RETENTION_DAYS * 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(email
        ? [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...keys.questionAddress(question.incidentId, question.questionId),
                  type: 'question-address',
                  email,
                  ttl: asked + ADDRESS_RETENTION_DAYS * 86_400,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]
        : []),
      // Kept until the token could no longer be accepted anyway (plus a margin for instances' clocks).
      ...(token
        ? [
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.formToken(token.nonce), type: 'form-token', ttl: Math.ceil(token.expiresAt.getTime() / 1000) + 600 },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]
        : []),
    ];
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (token && cancelledAt(error, items.length - 1)) throw new FormTokenUsedError('The form token was used before');
      throw error;
    }
  }

  /** Whether a question was stored with this form token (a cheap check before anything is counted; putQuestion decides). */
  async formTokenUsed(nonce: string): Promise<boolean> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.formToken(nonce), ProjectionExpression: 'pk', ConsistentRead: true }));
    return out.Item !== undefined;
  }

  /** The incident's status alone (the form's grant reads no other attribute of the incident's items); undefined: no such incident. */
  async incidentStatus(incidentId: string): Promise<Incident['status'] | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.incident(incidentId),
        ProjectionExpression: '#status',
        ExpressionAttributeNames: { '#status': 'status' },
      }),
    );
    return out.Item?.status as Incident['status'] | undefined;
  }

  async getQuestion(incidentId: string, questionId: string): Promise<CustomerQuestion | undefined> {
    const [question, address] = await Promise.all([
      this.doc.send(new GetCommand({ TableName: this.table, Key: keys.question(incidentId, questionId), ConsistentRead: true })),
      this.doc.send(new GetCommand({ TableName: this.table, Key: keys.questionAddress(incidentId, questionId), ConsistentRead: true })),
    ]);
    if (!question.Item) return undefined;
    return { ...strip(question.Item), ...(address.Item?.email ? { email: String(address.Item.email) } : {}) };
  }

  async listQuestions(incidentId: string): Promise<CustomerQuestion[]> {
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': questionPartition(incidentId) },
      ConsistentRead: true,
    });
    const addresses = new Map(items.filter((i) => i.type === 'question-address').map((i) => [String(i.sk).slice('ADDR#'.length), String(i.email)]));
    return items
      .filter((i) => i.type === 'question')
      .map((i) => {
        const question = strip(i);
        const email = addresses.get(question.questionId);
        return email ? { ...question, email } : question;
      })
      .sort((a, b) => a.askedAt.localeCompare(b.askedAt));
  }

  /**
   * Records the answer; `faq` asks for it on the page (published only after approval). An answer
   * published before comes off the page in the same transaction: the page shows approved wording only.
   */
  async answer(incidentId: string, questionId: string, answer: NonNullable<CustomerQuestion['answer']>, faq: boolean): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.table,
              Key: keys.question(incidentId, questionId),
              UpdateExpression: faq ? 'SET answer = :a, #status = :s, faq = :f' : 'SET answer = :a, #status = :s REMOVE faq',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':a': answer, ':s': 'ANSWERED', ...(faq ? { ':f': 'PENDING' } : {}) },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          { Delete: { TableName: this.table, Key: keys.faqEntry(incidentId, questionId) } },
        ],
      }),
    );
  }

  /**
   * The approvers' decision on an answer asked for the page: PUBLISHED or REJECTED (with the reason),
   * only while it is PENDING. False when it is not pending (decided before, or never asked for the page).
   * Publishing writes the page's FAQ entry in the same transaction: the question's public wording and
   * the answer, nothing of the asker's.
   */
  async setFaqState(incidentId: string, questionId: string, state: 'PUBLISHED' | 'REJECTED', reason?: string, answeredAt?: string): Promise<boolean> {
    const read = (await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.question(incidentId, questionId), ConsistentRead: true }))).Item;
    const question = read ? strip(read) : undefined;
    if (!question?.answer || question.faq !== 'PENDING' || (answeredAt !== undefined && question.answer.at !== answeredAt)) return false;
    const { answer } = question;
    // The page shows the team's wording of the question, never the asker's: without it there is nothing to publish.
    if (state === 'PUBLISHED' && !answer.question) return false;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.question(incidentId, questionId),
                UpdateExpression: reason === undefined ? 'SET faq = :state' : 'SET faq = :state, faqReason = :reason',
                // Only the answer read above (the one the approvers were shown when `answeredAt` names it), not one given since.
                ConditionExpression: 'faq = :pending AND answer.#at = :at',
                ExpressionAttributeNames: { '#at': 'at' },
                ExpressionAttributeValues: { ':state': state, ':pending': 'PENDING', ':at': answer.at, ...(reason === undefined ? {} : { ':reason': reason }) },
              },
            },
            ...(state === 'PUBLISHED'
              ? [
                  {
                    Put: {
                      TableName: this.table,
                      Item: {
                        ...keys.faqEntry(incidentId, questionId),
                        type: 'faq-entry',
                        question: answer.question,
                        answer: answer.text,
                        locale: answer.locale,
                        at: answer.at,
                      },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancelledAt(error, 0)) return false;
      throw error;
    }
  }

  /** Claims the asker's one answer email: false when it was already claimed. The address is deleted with the claim: its only use was this email. */
  async claimAnswerEmail(incidentId: string, questionId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.question(incidentId, questionId),
                UpdateExpression: 'SET emailedAt = :at',
                ExpressionAttributeValues: { ':at': this.clock.now().toISOString() },
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(emailedAt)',
              },
            },
            { Delete: { TableName: this.table, Key: keys.questionAddress(incidentId, questionId) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancelledAt(error, 0)) return false;
      throw error;
    }
  }

  /** Claims the question's one address-confirmation email: false once claimed, or when the address is confirmed already. */
  async claimConfirmation(incidentId: string, questionId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.question(incidentId, questionId),
          UpdateExpression: 'SET confirmationSentAt = :at',
          ExpressionAttributeValues: { ':at': this.clock.now().toISOString() },
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(confirmationSentAt) AND attribute_not_exists(addressConfirmedAt)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Only the hash of a confirmation link's id is stored; the id exists only in the asker's email. */
  async putConfirmationLink(link: ConfirmationLink): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        // TTL only tidies up; expiry itself is enforced by confirmAddress's condition.
        Item: { ...keys.addressLink(link.linkHash), type: 'address-link', ...link, ttl: epochSeconds(link.expiresAt) + 86_400 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getConfirmationLink(linkHash: string): Promise<ConfirmationLink | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.addressLink(linkHash), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _p, sk: _s, type: _t, ttl: _ttl, ...link } = out.Item;
    return link as ConfirmationLink;
  }

  /** Uses the link (once, before it expires) and marks its question's address confirmed, in one transaction: false when the link cannot. */
  async confirmAddress(link: ConfirmationLink): Promise<boolean> {
    const now = this.clock.now().toISOString();
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.addressLink(link.linkHash),
                UpdateExpression: 'SET usedAt = :now',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAt > :now',
                ExpressionAttributeValues: { ':now': now },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: keys.question(link.incidentId, link.questionId),
                UpdateExpression: 'SET addressConfirmedAt = :now',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':now': now },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancelledAt(error, 0) || cancelledAt(error, 1)) return false;
      throw error;
    }
  }
}

/**
 * Fixed-window counters, one conditional update per request: ADD 1 only while the count is under the
 * limit, so concurrent requests can never take more than the limit between them. Plain updates, never
 * in a transaction: a busy shared counter then only queues writes, it cancels nobody's transaction.
 */
export class RateLimiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /** True when the request is within `limit` for this window (and is counted); false when it is over. */
  async take(scope: string, key: string, limit: number, windowSeconds: number): Promise<boolean> {
    return (await this.place(scope, key, limit, windowSeconds)) !== undefined;
  }

  /** The request's place in this window's count (1 = the first), when within `limit`; undefined when over (and not counted). */
  async place(scope: string, key: string, limit: number, windowSeconds: number): Promise<number | undefined> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const windowStart = now - (now % windowSeconds);
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.rateCounter(scope, key, windowStart),
          UpdateExpression: 'ADD n :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': windowStart + 2 * windowSeconds },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.n);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}
