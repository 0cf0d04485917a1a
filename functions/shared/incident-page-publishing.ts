import { SnsMessaging } from '../adapters/messaging.js';
import { IncidentPageRecords } from '../adapters/incident-page-records.js';
import { S3IncidentPageStore } from '../adapters/incident-page-store.js';
import { incidentStores } from '../adapters/stores.js';
import { publishIncidentPage, type PublishIncidentPageDeps } from '../steps/publish-incident-page.js';
import { systemClock } from './clock.js';
import { dynamo } from './dynamo-client.js';
import { sns } from './sns-client.js';
import { parseConfig } from './config.js';
import { INCIDENT_PAGE_VARIABLES, pick } from './environment.js';

/** The publish-incident-page step's ports as the deployed bucket, table and topic; read from the environment once, at load. */
export function incidentPagePublishingDeps(): PublishIncidentPageDeps {
  const config = parseConfig(pick(...INCIDENT_PAGE_VARIABLES));
  const { incidents, notices } = incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock);
  return {
    incidents,
    notices,
    records: new IncidentPageRecords(dynamo, config.INCIDENTS_TABLE, systemClock),
    pages: new S3IncidentPageStore(config.INCIDENT_PAGES_BUCKET, process.env.AWS_REGION ?? 'us-east-1', process.env.AWS_ENDPOINT_URL_S3),
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
export function incidentPageRepublisher(): (incidentId: string) => Promise<void> {
  const deps = incidentPagePublishingDeps();
  return async (incidentId) => {
    await publishIncidentPage({ incidentId }, deps);
  };
}
