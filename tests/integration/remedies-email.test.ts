import { CreateEmailTemplateCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../functions/adapters/email-sender.js';
import { allEmailTemplates, noticeTemplateData, recipientTemplateData, templateName } from '../../functions/domain/email-templates.js';
import { catalogues } from '../../functions/domain/locales.js';
import { draftNotice, personaliseNotice } from '../../functions/domain/notice.js';
import { DEFAULT_REMEDY_RULES } from '../../functions/domain/remedies.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { emailsTo, endpoints, uniquePrefix } from '../support/local.js';

const prefix = uniquePrefix('rem');

describe('remedies through the stored templates on aws-ses-v2-local', () => {
  it('one bulk call: each recipient reads only the offers their own data calls for, in both parts, the HTML escaped', async () => {
    // Prepare: an incident with card details and government ids; the team offers a fee waiver to everyone.
    const ses = new SESv2Client({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().ses });
    const t = allEmailTemplates(prefix).find((x) => x.name === templateName(prefix, 'first-notice', 'en'))!;
    await ses.send(new CreateEmailTemplateCommand({ TemplateName: t.name, TemplateContent: { Subject: t.subject, Html: t.html, Text: t.text } }));
    const sender = new SesEmailSender(ses, 'notices@example.com');
    const impact = { affectedCustomers: 2, byDataCategory: { email: 2, payment_card: 1, government_id: 1 }, byJurisdiction: {}, byLocale: {}, byChannel: {} };
    const content = draftNotice(
      {
        kind: 'first-notice',
        sequence: 1,
        incident: { incidentId: 'inc-20261120-0000000000ef', source: 'macie', firstSeenAt: '2026-11-20T08:00:00Z', impact },
        // The team confirmed the cards' replacement, so the offer stating it goes out.
        facts: { measures: [], advice: [], remedies: ['Fees <waived> for 3 months'], confirmedActions: ['cards-replaced'] },
        company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com' },
        nextUpdateAt: '2026-11-27T08:00:00Z',
        remedies: { rules: DEFAULT_REMEDY_RULES, severity: 'HIGH', offeredAt: '2026-11-20T08:00:00Z' },
      },
      'en',
    );
    const card = `card.${prefix}@example.com`;
    const id = `id.${prefix}@example.com`;
    const data = (dataCategories: string[]) =>
      recipientTemplateData(personaliseNotice(content, 'en', { name: 'Ada', dataCategories, timeZone: 'America/New_York' }));
    const offers = catalogues.en.remedies.offers;
    // Act
    const results = await sender.sendBulk(t.name, noticeTemplateData(content), [
      { to: card, replacementData: data(['email', 'payment_card']) },
      { to: id, replacementData: data(['email', 'government_id']) },
    ]);
    // Assess
    expect(results.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS']);
    const [cardMail] = await emailsTo(card);
    const [idMail] = await emailsTo(id);
    expect(cardMail!.body.text).toContain(`What we are doing for you\n- ${offers['card-replacement']}\n- Fees <waived> for 3 months.\n`);
    expect(cardMail!.body.text).not.toContain(offers['credit-monitoring']);
    expect(cardMail!.body.html).toContain(`<li>${offers['card-replacement']}</li><li>Fees &lt;waived&gt; for 3 months.</li>`);
    expect(idMail!.body.text).toContain(`- ${offers['credit-monitoring']} To take up this offer, contact us by 18 February 2027 using the details below.\n`);
    expect(idMail!.body.text).not.toContain(offers['card-replacement']);
  });
});
