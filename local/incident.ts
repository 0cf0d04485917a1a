import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeliveriesLedger } from '../functions/adapters/deliveries-ledger.js';
import { incidentStores } from '../functions/adapters/stores.js';
import { incidentIdSchema } from '../functions/domain/incident.js';
import { systemClock } from '../functions/shared/clock.js';

/**
 * `npm run incident -- note INCIDENT_ID "text" | close INCIDENT_ID | show INCIDENT_ID | deliveries INCIDENT_ID`,
 * as OPERATOR (env, default $USER). Notes go into the next update; a closed incident gets its final
 * report at the next update time; `deliveries` prints each notice's totals per channel and the ids of
 * the customers whose delivery is UNCERTAIN, to reconcile with the provider's records. Against the
 * twin by default; AWS_ENDPOINT_URL=, INCIDENTS_TABLE and DELIVERIES_TABLE for AWS.
 */
const [command, rawId, ...rest] = process.argv.slice(2);
const usage = 'usage: npm run incident -- note INCIDENT_ID "text" | close INCIDENT_ID | show INCIDENT_ID | deliveries INCIDENT_ID';
const id = incidentIdSchema.safeParse(rawId);
if (!command || !id.success) {
  console.error(usage);
  process.exit(2);
}
const endpoint = process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${process.env.BREACH_NOTICE_PORT ?? 4566}`;
const client = new DynamoDBClient({
  ...(endpoint !== '' ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  region: process.env.AWS_REGION ?? 'us-east-1',
});
const doc = DynamoDBDocumentClient.from(client);
const { incidents: repo, notices } = incidentStores(doc, process.env.INCIDENTS_TABLE ?? 'breach-notice-incidents', systemClock);
const operator = process.env.OPERATOR ?? process.env.USER ?? 'operator';

if (command === 'note' && rest.join(' ').trim()) {
  await repo.addProgressNote(id.data, operator, rest.join(' ').trim());
  console.log(`note added to ${id.data}; it goes into the next update`);
} else if (command === 'close') {
  await repo.closeIncident(id.data, operator);
  console.log(`${id.data} closed; the final report follows at the next update time`);
} else if (command === 'show') {
  const incident = await repo.getIncident(id.data);
  console.log(JSON.stringify({ ...incident, timeline: await repo.listTimeline(id.data) }, null, 2));
} else if (command === 'deliveries') {
  const ledger = new DeliveriesLedger(doc, process.env.DELIVERIES_TABLE ?? 'breach-notice-deliveries', systemClock, 1);
  const list = (await notices.listNotices(id.data)).sort((a, b) => a.sequence - b.sequence);
  for (const notice of list) {
    const ref = { incidentId: id.data, noticeId: notice.noticeId };
    const uncertain = await ledger.uncertainRecipients(ref);
    for (const [channel, totals] of Object.entries(await ledger.noticeTotals(ref))) {
      console.log(JSON.stringify({ noticeId: notice.noticeId, channel, ...totals, uncertainCustomerIds: uncertain[channel] ?? [] }));
    }
  }
} else {
  console.error(usage);
  process.exit(2);
}
