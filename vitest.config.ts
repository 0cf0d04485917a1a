import { defineConfig } from 'vitest/config';

/** DynamoDB Local, the SES emulator and the SNS recorder, started once per run for the slices that use them. */
const EMULATORS = ['tests/support/global-setup.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      // Local tooling runs on Node 20 by design; the deployed functions run on Node 24.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    // One slice per kind of test: `npm run test:unit` and `test:infra` start no emulator (and no JVM).
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'infra', include: ['tests/infra/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], globalSetup: EMULATORS } },
      { extends: true, test: { name: 'workflow', include: ['tests/workflow/**/*.test.ts'], globalSetup: EMULATORS } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], globalSetup: EMULATORS } },
    ],
  },
});
