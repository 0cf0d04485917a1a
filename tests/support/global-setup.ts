import type { Server } from 'node:http';
import type { TestProject } from 'vitest/node';
import { closeServer, freePort, startDynamoDbLocal, startSesEmulator } from '../../local/emulators/emulators.js';
import { SnsRecorder } from '../../local/emulators/sns-recorder.js';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoints: { dynamodb: string; ses: string; sns: string };
  }
}

// The vitest `env` setting reaches the workers, not this process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Real emulators for every test file: DynamoDB Local, aws-ses-v2-local and the SNS recorder. */
export default async function setup(project: TestProject) {
  const [ddbPort, sesPort, snsPort] = [await freePort(), await freePort(), await freePort()];
  const [dynamodb, ses] = await Promise.all([startDynamoDbLocal(ddbPort), startSesEmulator(sesPort)]);
  const sns: Server = await new SnsRecorder().listen(snsPort);
  project.provide('endpoints', { dynamodb: dynamodb.url, ses: ses.url, sns: `http://127.0.0.1:${snsPort}` });
  return async () => {
    await Promise.all([dynamodb.stop(), ses.stop(), closeServer(sns)]);
  };
}
