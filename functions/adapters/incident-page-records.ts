import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FaqEntry } from '../domain/incident-page.js';
import type { Locale } from '../domain/locales.js';
import type { Clock } from '../shared/clock.js';
import { queryCollection } from './incident-store.js';
import { incidentItems, keys } from './keys.js';

/** A published answer as written at publication (functions/adapters/question-store.ts setFaqState): no asker's data. */
interface FaqItem {
  question: string;
  answer: string;
  locale: Locale;
  at: string;
}

/** What the incident page reads and records in the incident's collection. */
export class IncidentPageRecords {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /** False when this notice's page was already announced in `locale`. */
  async claimAnnouncement(incidentId: string, noticeId: string, locale: Locale): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.incidentPageAnnouncement(incidentId, noticeId, locale), type: 'page-announcement', at: this.clock.now().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The publish failed: a retry announces again. */
  async releaseAnnouncement(incidentId: string, noticeId: string, locale: Locale): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.incidentPageAnnouncement(incidentId, noticeId, locale) }));
  }

  /**
   * Published FAQ entries of the incident in `locale`, oldest answer first: the `FAQ#` items alone, which
   * hold the team's wording and the answer; the questions and their askers' addresses are in another partition.
   */
  async listFaq(incidentId: string, locale: Locale): Promise<FaqEntry[]> {
    const items = await queryCollection<FaqItem>(this.doc, this.table, incidentId, incidentItems.faq);
    return items
      .filter((f) => f.locale === locale)
      .sort((a, b) => a.at.localeCompare(b.at))
      .map((f) => ({ question: f.question, answer: f.answer }));
  }
}
