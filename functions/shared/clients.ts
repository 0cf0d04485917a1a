// Every SDK client, for tests that reach into them (fault injection). A handler imports the client
// modules it uses instead, so its bundle loads only those SDK clients at init (about 110 KB less for a
// function that calls DynamoDB alone).
export { dynamo } from './dynamo-client.js';
export { ses } from './ses-client.js';
export { sfn } from './sfn-client.js';
export { sns } from './sns-client.js';
