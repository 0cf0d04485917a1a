import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { incidentStores } from '../adapters/stores.js';
import { incidentIdSchema } from '../domain/incident.js';
import { promiseSettings } from '../domain/promises.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { parseConfig } from '../shared/config.js';
import { stepHandler } from '../shared/handler.js';
import { draftNoticeStep } from '../steps/draft-notice.js';

const config = parseConfig(configSchema('draft-notice'));
const deps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  clock: systemClock,
  locales: config.LOCALES,
  company: {
    name: config.COMPANY_NAME,
    contact: config.COMPANY_CONTACT,
    incidentPageUrl: config.INCIDENT_PAGE_URL,
    supportHotline: config.SUPPORT_HOTLINE,
    questionFormUrl: config.QUESTION_FORM_URL,
    apology: config.COMPANY_APOLOGY,
    smsLink: config.SMS_LINK,
  },
  settings: promiseSettings({
    cadenceSeconds: config.UPDATE_CADENCE_SECONDS,
    leadSeconds: config.UPDATE_LEAD_SECONDS,
    approvalSeconds: config.APPROVAL_TIMEOUT_SECONDS,
    escalationSeconds: config.ESCALATION_TIMEOUT_SECONDS,
  }),
  remedyRules: config.REMEDY_RULES,
};

export const handler = stepHandler(z.object({ incidentId: incidentIdSchema, kind: z.enum(['first-notice', 'update']) }), ({ incidentId, kind }) =>
  draftNoticeStep(incidentId, kind, deps),
);
