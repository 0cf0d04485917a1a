import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { PromiseClocks } from '../../functions/adapters/promise-clocks.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';

const prefix = uniquePrefix('prm');
let clocks: PromiseClocks;

beforeAll(async () => {
  const provisioned = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }));
  clocks = new PromiseClocks(doc, provisioned.tables.incidents);
});

describe('PromiseClocks on DynamoDB Local', () => {
  it('reads only the promises due, earliest first (the time leads the sort key), and lets one claim each', async () => {
    // Prepare: relative to now, so the test means the same on any day.
    const now = Date.now();
    const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();
    const promise = (incidentId: string, noticeId: string, seconds: number) => ({ incidentId, noticeId, promisedBy: at(seconds) });
    const late = promise('inc-20261120-00000000000b', 'update-2', -60);
    const due = promise('inc-20261120-00000000000a', 'first-notice-1', -3600);
    const exactlyNow = promise('inc-20261120-00000000000c', 'update-3', 0);
    const ahead = promise('inc-20261120-00000000000a', 'update-4', 1);
    const kept = promise('inc-20261120-00000000000d', 'first-notice-1', -30);
    for (const p of [late, due, exactlyNow, ahead, kept]) await clocks.open(p);
    await clocks.close(kept);
    // Act
    const found = await clocks.due(new Date(now));
    const claims = [await clocks.claim(due), await clocks.claim(due)];
    // Assess
    expect(found).toEqual([due, late, exactlyNow]);
    expect(claims).toEqual([true, false]);
    expect(await clocks.due(new Date(now + 1000))).toEqual([late, exactlyNow, ahead]);
  });
});
