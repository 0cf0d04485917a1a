import { SnsMessaging } from '../adapters/messaging.js';
import { PageRecords } from '../adapters/page-records.js';
import { S3PageStore } from '../adapters/page-store.js';
import { incidentStores } from '../adapters/stores.js';
import { publishIncidentPage, type PublishPageDeps } from '../steps/publish-incident-page.js';
import { systemClock } from './clock.js';
import { dynamo, sns } from './clients.js';
import { parseConfig } from './config.js';
import { PAGE_PUBLISHING_VARIABLES, pick } from './environment.js';

/** The publish-incident-page step's ports as the deployed bucket, table and topic; read from the environment once, at load. */
export function pagePublishingDeps(): PublishPageDeps {
  const config = parseConfig(pick(...PAGE_PUBLISHING_VARIABLES));
  const { incidents, notices } = incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock);
  return {
    incidents,
    notices,
    records: new PageRecords(dynamo, config.INCIDENTS_TABLE, systemClock),
    pages: new S3PageStore(config.INCIDENT_PAGES_BUCKET, process.env.AWS_REGION ?? 'us-east-1', process.env.AWS_ENDPOINT_URL_S3),
    messaging: new SnsMessaging(sns),
    publicChannelsTopicArn: config.PUBLIC_CHANNELS_TOPIC_ARN,
    locales: config.LOCALES,
    companyName: config.COMPANY_NAME,
    pagesBaseUrl: config.INCIDENT_PAGE_URL,
    questionFormUrl: (incidentId, locale) => `${config.APPROVAL_BASE_URL.replace(/\/+$/, '')}/questions/${incidentId}?locale=${encodeURIComponent(locale)}`,
    clock: systemClock,
  };
}

/**
 * Re-renders an incident's page where a decision settles (an approved FAQ answer is on it at once, also
 * after the incident closed). It names no notice, so it never announces to the public channels.
 */
export function pageRepublisher(): (incidentId: string) => Promise<void> {
  const deps = pagePublishingDeps();
  return async (incidentId) => {
    await publishIncidentPage({ incidentId }, deps);
  };
}
