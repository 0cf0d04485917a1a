import * as z from 'zod';
import { incidentIdSchema } from '../domain/incident.js';
import { stepHandler } from '../shared/handler.js';
import { incidentPagePublishingDeps } from '../shared/incident-page-publishing.js';
import { publishIncidentPage } from '../steps/publish-incident-page.js';

const deps = incidentPagePublishingDeps();

export const handler = stepHandler(z.object({ incidentId: incidentIdSchema, noticeId: z.string().min(1).max(64).optional() }), (input) =>
  publishIncidentPage(input, deps),
);
