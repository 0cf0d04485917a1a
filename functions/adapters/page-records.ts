import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FaqEntry } from '../domain/incident-page.js';
import type { Locale } from '../domain/locales.js';
import type { Clock } from '../shared/clock.js';
import { queryCollection } from './incident-store.js';
import { keys } from './keys.js';

/** A question item as the page needs it: only answers approved for the FAQ, never the asker's address. */
interface FaqItem {
  text: string;
  locale: Locale;
  faq?: 'PENDING' | 'PUBLISHED' | 'REJECTED';
  answer?: { text: string; locale: Locale; at: string };
}

/** What the incident page reads and records in the incident's collection. */
export class PageRecords {
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
          Item: { ...keys.pageAnnouncement(incidentId, noticeId, locale), type: 'page-announcement', at: this.clock.now().toISOString() },
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
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.pageAnnouncement(incidentId, noticeId, locale) }));
  }

  /** Published FAQ entries of the incident in `locale`, oldest answer first. */
  async listFaq(incidentId: string, locale: Locale): Promise<FaqEntry[]> {
    const items = await queryCollection<FaqItem>(this.doc, this.table, incidentId, 'QUESTION#');
    return items
      .filter((q) => q.faq === 'PUBLISHED' && q.answer?.locale === locale)
      .sort((a, b) => a.answer!.at.localeCompare(b.answer!.at))
      .map((q) => ({ question: q.text, answer: q.answer!.text }));
  }
}
