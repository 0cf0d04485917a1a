import * as z from 'zod';
import { incidentIdSchema } from '../domain/incident.js';
import { stepHandler } from '../shared/handler.js';
import { pagePublishingDeps } from '../shared/page-publishing.js';
import { publishIncidentPage } from '../steps/publish-incident-page.js';

const deps = pagePublishingDeps();

export const handler = stepHandler(z.object({ incidentId: incidentIdSchema, noticeId: z.string().min(1).max(64).optional() }), (input) => publishIncidentPage(input, deps));
