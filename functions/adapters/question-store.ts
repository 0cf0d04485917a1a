import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QUESTION_RETENTION_DAYS, type CustomerQuestion } from '../domain/question-form.js';
import type { Clock } from '../shared/clock.js';
import { queryCollection } from './incident-store.js';
import { keys } from './keys.js';

const strip = ({ pk: _pk, sk: _sk, type: _type, ttl: _ttl, ...rest }: Record<string, unknown>) => rest as unknown as CustomerQuestion;

/** Customers' questions in the incident's collection; each expires QUESTION_RETENTION_DAYS after it was asked. */
export class QuestionStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async putQuestion(question: CustomerQuestion): Promise<void> {
    const ttl = Math.floor(Date.parse(question.askedAt) / 1000) + QUESTION_RETENTION_DAYS * 86_400;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.question(question.incidentId, question.questionId), type: 'question', ...question, ttl },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getQuestion(incidentId: string, questionId: string): Promise<CustomerQuestion | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.question(incidentId, questionId), ConsistentRead: true }));
    return out.Item ? strip(out.Item) : undefined;
  }

  async listQuestions(incidentId: string): Promise<CustomerQuestion[]> {
    return (await queryCollection<Record<string, unknown>>(this.doc, this.table, incidentId, 'QUESTION#')).map(strip).sort((a, b) => a.askedAt.localeCompare(b.askedAt));
  }

  /** Records the answer; `faq` asks for it on the page (published only after approval). */
  async answer(incidentId: string, questionId: string, answer: NonNullable<CustomerQuestion['answer']>, faq: boolean): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.question(incidentId, questionId),
        UpdateExpression: faq ? 'SET answer = :a, #status = :s, faq = :f' : 'SET answer = :a, #status = :s REMOVE faq',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':a': answer, ':s': 'ANSWERED', ...(faq ? { ':f': 'PENDING' } : {}) },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  /**
   * The approvers' decision on an answer asked for the page: PUBLISHED or REJECTED (with the reason),
   * only while it is PENDING. False when it is not pending (decided before, or never asked for the page).
   */
  async setFaqState(incidentId: string, questionId: string, state: 'PUBLISHED' | 'REJECTED', reason?: string, answeredAt?: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.question(incidentId, questionId),
          UpdateExpression: reason === undefined ? 'SET faq = :state' : 'SET faq = :state, faqReason = :reason',
          // With `answeredAt`: only the answer the approvers were shown, not one given since.
          ConditionExpression: answeredAt === undefined ? 'faq = :pending' : 'faq = :pending AND answer.#at = :at',
          ...(answeredAt === undefined ? {} : { ExpressionAttributeNames: { '#at': 'at' } }),
          ExpressionAttributeValues: { ':state': state, ':pending': 'PENDING', ...(reason === undefined ? {} : { ':reason': reason }), ...(answeredAt === undefined ? {} : { ':at': answeredAt }) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Claims the asker's one answer email: false when it was already claimed. */
  async claimAnswerEmail(incidentId: string, questionId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.question(incidentId, questionId),
          UpdateExpression: 'SET emailedAt = :at',
          ExpressionAttributeValues: { ':at': this.clock.now().toISOString() },
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(emailedAt)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/**
 * Fixed-window counters, one conditional update per request: ADD 1 only while the count is under the
 * limit, so concurrent requests can never take more than the limit between them.
 */
export class RateLimiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /** True when the request is within `limit` for this window (and is counted); false when it is over. */
  async take(scope: string, key: string, limit: number, windowSeconds: number): Promise<boolean> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const windowStart = now - (now % windowSeconds);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.rateCounter(scope, key, windowStart),
          UpdateExpression: 'ADD n :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': windowStart + 2 * windowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
