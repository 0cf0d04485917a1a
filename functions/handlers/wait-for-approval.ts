import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { SesEmailSender } from '../adapters/email-sender.js';
import { incidentStores } from '../adapters/stores.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { ses } from '../shared/ses-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { stepHandler } from '../shared/handler.js';
import { requestApproval } from '../steps/wait-for-approval.js';

const config = parseConfig(configSchema('wait-for-approval'));
const deps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  email: new SesEmailSender(ses, config.SENDER_ADDRESS, config.SES_CONFIGURATION_SET),
  clock: systemClock,
  approvers: { primary: config.APPROVER_EMAILS, backup: config.BACKUP_APPROVER_EMAILS },
  approvalBaseUrl: config.APPROVAL_BASE_URL,
  locales: config.LOCALES,
  quorum: config.APPROVAL_QUORUM,
  codeChannel: config.APPROVAL_CODE_CHANNEL,
  phones: new Map(config.APPROVER_PHONES.map((pair) => pair.split('=') as [string, string])),
  messaging: new SnsMessaging(sns),
  approverLocale: (approver: string) => config.APPROVER_LOCALES.get(approver) ?? config.REPORT_LOCALE,
  smsPrice: { perSegment: config.SMS_PRICE_PER_SEGMENT, currency: config.SMS_PRICE_CURRENCY },
};

const schema = z.object({
  incidentId: incidentIdSchema,
  noticeId: z.string().min(1).max(64),
  tier: z.enum(['primary', 'backup']),
  // Never logged: the logger sees only the parsed result of the logic, which omits it.
  taskToken: z.string().min(1).max(2048),
  timeoutSeconds: z.number().int().positive(),
  waitEnteredAt: z.iso.datetime(),
});

export const handler = stepHandler(schema, (input) => requestApproval(input, deps));
