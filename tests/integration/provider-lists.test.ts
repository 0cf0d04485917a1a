import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetSuppressedDestinationCommand, PutSuppressedDestinationCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CheckIfPhoneNumberIsOptedOutCommand, OptInPhoneNumberCommand, SNSClient } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { SesEmailSender } from '../../functions/adapters/email-sender.js';
import { SnsMessaging } from '../../functions/adapters/messaging.js';
import { SuppressionListBuilder, SuppressionSnapshot } from '../../functions/domain/suppression.js';
import { systemClock } from '../../functions/shared/clock.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';

/** The providers' refusal lists through the real SDK against the twin's emulators, and their keeping in the ledger on DynamoDB Local. */
const prefix = uniquePrefix('lists');
const client = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
let ses: SESv2Client;
let sns: SNSClient;

beforeAll(() => {
  ses = new SESv2Client({ ...client, endpoint: endpoints().ses });
  sns = new SNSClient({ ...client, endpoint: endpoints().sns });
});

describe('SES account suppression list on the twin', () => {
  it('reads all of ListSuppressedDestinations (1,000 a call) with each reason', async () => {
    // Prepare: 1,205 addresses, every fifth a complaint.
    const mine = Array.from({ length: 1205 }, (_, i) => `s${i}.${prefix}@example.com`);
    await Promise.all(
      mine.map((EmailAddress, i) => ses.send(new PutSuppressedDestinationCommand({ EmailAddress, Reason: i % 5 === 0 ? 'COMPLAINT' : 'BOUNCE' }))),
    );
    // Act
    const read = new Map<string, string>();
    for await (const { address, reason } of new SesEmailSender(ses, 'x@example.com').suppressedAddresses())
      if (address.endsWith(`.${prefix}@example.com`)) read.set(address, reason);
    // Assess
    expect(read.size).toBe(1205);
    expect([...read.values()].filter((r) => r === 'COMPLAINT')).toHaveLength(241);
    const one = await ses.send(new GetSuppressedDestinationCommand({ EmailAddress: mine[1] }));
    expect(one.SuppressedDestination).toMatchObject({ EmailAddress: mine[1], Reason: 'BOUNCE', LastUpdateTime: expect.any(Date) });
    await expect(ses.send(new GetSuppressedDestinationCommand({ EmailAddress: `nobody.${prefix}@example.com` }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });
});

describe('SNS opted-out numbers on the twin', () => {
  it('ListPhoneNumbersOptedOut (100 a call, continued by nextToken), CheckIfPhoneNumberIsOptedOut and OptInPhoneNumber answer as SNS does', async () => {
    // Prepare: 230 numbers opted out, as STOP replies would.
    const salt = String(Date.now() % 100_000).padStart(5, '0');
    const numbers = Array.from({ length: 230 }, (_, i) => `+4479${salt}${String(i).padStart(4, '0')}`);
    for (const phoneNumber of numbers) await fetch(`${endpoints().sns}/_aws/sns/opt-outs`, { method: 'POST', body: JSON.stringify({ phoneNumber }) });
    // Act
    const read: string[] = [];
    for await (const n of new SnsMessaging(sns).optedOutNumbers()) if (n.startsWith(`+4479${salt}`)) read.push(n);
    await sns.send(new OptInPhoneNumberCommand({ phoneNumber: numbers[0] }));
    // Assess
    expect(read.sort()).toEqual(numbers);
    expect((await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: numbers[0] }))).isOptedOut).toBe(false);
    expect((await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: numbers[1] }))).isOptedOut).toBe(true);
  });
});

describe("a notice's suppression lists kept in the ledger", () => {
  it('round-trips lists larger than one item (40,000 hashes an item) and answers as the original', async () => {
    // Prepare
    const { tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...client, endpoint: endpoints().dynamodb }));
    const ledger = new DeliveriesLedger(doc, tables.deliveries, systemClock, 60);
    const bounce = new SuppressionListBuilder({ channel: 'email', reason: 'BOUNCE' });
    for (let i = 0; i < 90_000; i += 1) bounce.add(`b${i}@example.com`);
    const optOut = new SuppressionListBuilder({ channel: 'sms', reason: 'OPTED_OUT' });
    optOut.add('+447700900001');
    const ref = { incidentId: 'inc-20261120-aaaaaaaaaaaa', noticeId: 'first-notice-1' };
    // Act
    await ledger.saveSuppressions(ref, new SuppressionSnapshot([bounce.build(), optOut.build()]));
    const loaded = await ledger.loadSuppressions(ref);
    // Assess
    expect(loaded?.size).toBe(90_001);
    expect(loaded?.reasonFor('email', 'B89999@example.com')).toBe('BOUNCE');
    expect(loaded?.reasonFor('email', 'b90000@example.com')).toBeUndefined();
    expect(loaded?.reasonFor('sms', '+447700900001')).toBe('OPTED_OUT');
    expect(await ledger.loadSuppressions({ ...ref, noticeId: 'update-2' })).toBeUndefined();
  }, 180_000);
});
