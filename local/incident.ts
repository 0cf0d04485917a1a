import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IncidentsRepository } from '../functions/adapters/incidents-repository.js';
import { incidentIdSchema } from '../functions/domain/incident.js';
import { systemClock } from '../functions/shared/clock.js';

/**
 * `npm run incident -- note INCIDENT_ID "text" | close INCIDENT_ID | show INCIDENT_ID`, as OPERATOR
 * (env, default $USER). Notes go into the next update; a closed incident gets its final report at
 * the next update time. Against the twin by default; AWS_ENDPOINT_URL= and INCIDENTS_TABLE for AWS.
 */
const [command, rawId, ...rest] = process.argv.slice(2);
const usage = 'usage: npm run incident -- note INCIDENT_ID "text" | close INCIDENT_ID | show INCIDENT_ID';
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
const repo = new IncidentsRepository(DynamoDBDocumentClient.from(client), process.env.INCIDENTS_TABLE ?? 'breach-notice-incidents', systemClock);
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
} else {
  console.error(usage);
  process.exit(2);
}
