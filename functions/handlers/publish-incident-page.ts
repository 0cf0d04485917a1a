import * as z from 'zod';
import { SnsMessaging } from '../adapters/messaging.js';
import { S3PageStore } from '../adapters/page-store.js';
import { PageRecords } from '../adapters/page-records.js';
import { incidentStores } from '../adapters/stores.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo, sns } from '../shared/clients.js';
import { parseConfig } from '../shared/config.js';
import { pick } from '../shared/environment.js';
import { stepHandler } from '../shared/handler.js';
import { publishIncidentPage } from '../steps/publish-incident-page.js';

const config = parseConfig(
  pick('LOCALES', 'INCIDENTS_TABLE', 'COMPANY_NAME', 'INCIDENT_PAGE_URL', 'INCIDENT_PAGES_BUCKET', 'PUBLIC_CHANNELS_TOPIC_ARN', 'APPROVAL_BASE_URL'),
);
const { incidents, notices } = incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock);
const deps = {
  incidents,
  notices,
  records: new PageRecords(dynamo, config.INCIDENTS_TABLE, systemClock),
  pages: new S3PageStore(config.INCIDENT_PAGES_BUCKET, process.env.AWS_REGION ?? 'us-east-1', process.env.AWS_ENDPOINT_URL_S3),
  messaging: new SnsMessaging(sns),
  publicChannelsTopicArn: config.PUBLIC_CHANNELS_TOPIC_ARN,
  locales: config.LOCALES,
  companyName: config.COMPANY_NAME,
  pagesBaseUrl: config.INCIDENT_PAGE_URL,
  questionFormUrl: (incidentId: string, locale: string) => `${config.APPROVAL_BASE_URL.replace(/\/+$/, '')}/questions/${incidentId}?locale=${encodeURIComponent(locale)}`,
  clock: systemClock,
};

export const handler = stepHandler(z.object({ incidentId: incidentIdSchema, noticeId: z.string().min(1).max(64).optional() }), (input) => publishIncidentPage(input, deps));
