import type { AlarmSource } from '../incident.js';
import { zonedFormat, zoneName } from '../local-time.js';
import { sentenceEnder, type DraftingTexts, type LocaleCatalogue } from './catalogue.js';

const monitoring = 'our security monitoring detected';
// Each phrase is a whole clause with its own agreement ("systems that hold", "a storage location that holds").
const happened: Record<AlarmSource, (when: string) => string> = {
  guardduty: (when) => `On ${when}, ${monitoring} unauthorised activity on systems that hold customer information.`,
  securityhub: (when) => `On ${when}, ${monitoring} that a security weakness in systems that hold customer information was being exploited.`,
  macie: (when) => `On ${when}, ${monitoring} that customer information had been left exposed in one of our storage locations.`,
  cloudwatch: (when) => `On ${when}, ${monitoring} abnormal activity on systems that hold customer information.`,
  // A manual report's time is when it reached us, not when the incident began.
  manual: (when) =>
    `On ${when}, we learned of a security incident on systems that hold customer information; it was reported to us and we are investigating it.`,
};

/** English conventions by the reader's region (`en-US`: "December 6, 2026 at 2:30 PM"); en-GB's where none is known or Intl lacks it. */
function englishOf(dateLocale: string | undefined): string {
  if (!dateLocale?.startsWith('en-')) return 'en-GB';
  return Intl.DateTimeFormat.supportedLocalesOf([dateLocale])[0] ?? 'en-GB';
}
const formats = new Map<string, { dateTime: ReturnType<typeof zonedFormat>; day: ReturnType<typeof zonedFormat> }>();
function formatsOf(dateLocale: string | undefined) {
  const english = englishOf(dateLocale);
  let f = formats.get(english);
  if (!f) {
    f = { dateTime: zonedFormat(english, { dateStyle: 'long', timeStyle: 'short' }), day: zonedFormat(english, { day: 'numeric', month: 'long' }) };
    formats.set(english, f);
  }
  return { english, ...f };
}
const number = new Intl.NumberFormat('en-GB');
const endSentence = sentenceEnder('.', '.!?…');
const longDate = zonedFormat('en-GB', { dateStyle: 'long' });
const percent = new Intl.NumberFormat('en-GB', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const rate = (r: number | null) => (r === null ? 'n/a' : percent.format(r));
const customers = (n: number) => `${number.format(n)} ${n === 1 ? 'customer' : 'customers'}`;
const involved = (n: number) => (n === 1 ? 'The information of one customer was involved.' : `The information of ${number.format(n)} customers was involved.`);

export const en: LocaleCatalogue = {
  language: 'en',
  formatTime: (iso, zone, dateLocale) => {
    const f = formatsOf(dateLocale);
    return `${f.dateTime(iso, zone)} ${zoneName(iso, zone, f.english)}`;
  },
  formatDay: (iso, zone, dateLocale) => formatsOf(dateLocale).day(iso, zone),
  formatNumber: (n) => number.format(n),
  formatMoney: (amount, currency) =>
    new Intl.NumberFormat('en-GB', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 5 }).format(amount),
  formatList: (items) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`),
  endSentence,
  dataCategories: {
    name: 'name',
    email: 'email address',
    phone: 'phone number',
    address: 'postal address',
    date_of_birth: 'date of birth',
    password: 'password (stored in hashed form)',
    government_id: 'government ID number',
    payment_card: 'payment card details',
    bank_account: 'bank account details',
    transaction_history: 'transaction history',
    crypto_assets: 'digital assets held with us',
    api_keys: 'API keys',
  },
  advice: {
    changePassword: 'Change your password now, and anywhere else you used the same one.',
    changePasswordAfterReset: 'When you next sign in, choose a new password that you use nowhere else, and change the old one anywhere else you used it.',
    twoFactor: 'Turn on two-factor authentication in your account settings.',
    checkTransactions: 'Check your recent transactions and tell us at once about any you do not recognise.',
    cardIssuer: 'If you are worried about your payment card, ask the bank that issued it to block it and send you a new one.',
    revokeApiKeys: 'Revoke your API keys and create new ones.',
    createApiKeys: 'Create new API keys in your account settings and use them wherever the old ones were used.',
    phishing: 'We will never send you a link by text message or ask you for a password or code: treat any message about this incident that does as a scam.',
    phishingWithLink: 'We will never ask you for a password or code: treat any email, call or message about this incident that does as a scam.',
  },
  notice: {
    firstSubject: (p) => `Important: a security incident at ${p.company} involved your information`,
    updateSubject: (p) => `Update ${p.update} on the security incident at ${p.company}`,
    closingSubject: (p) => `The security incident at ${p.company} is closed`,
    greeting: (p) => `Dear ${p.customerName},`,
    firstHeadline: (p) => `We are writing to tell you about a security incident at ${p.company} that involved some of your information.`,
    updateHeadline: (p) => `This is update ${p.update} on the security incident at ${p.company} that we told you about.`,
    closingHeadline: (p) => `The security incident at ${p.company} that we told you about is now closed. This is our last message about it.`,
    firstApology:
      'We are sorry that this has happened. You trusted us with your information: we are responsible for how we respond, and we will keep you informed until this is resolved.',
    updateApology: 'We apologise again for this incident and for the trouble it is causing you.',
    closingApology: 'We apologise again for this incident and for the trouble it caused you.',
    whatHappened: (p) =>
      `${happened[p.source](p.when)} ${p.customers === 1 ? 'You are the only customer whose information was involved.' : `The information of ${number.format(p.customers)} customers was involved, including yours.`}`,
    yourData: (p) => endSentence(`This incident involved the following information of yours: ${p.affectedData}`),
    causeUnknown: 'We do not know the cause yet. We are investigating it and will report what we find.',
    investigating: 'Our security response team is investigating the incident.',
    investigated: 'Our security response team investigated the incident and has closed it.',
    newMeasure: (p) => endSentence(`New measure: ${p.text}`),
    newAdvice: (p) => endSentence(`New advice: ${p.text}`),
    newRemedy: (p) => endSentence(`New offer: ${p.text}`),
    causeFound: (p) => `We now know the cause. ${endSentence(p.cause)}`,
    causeRevised: (p) => `We have corrected what we said about the cause. ${endSentence(p.cause)}`,
    causeWithdrawn: 'We are checking again the cause we gave in our last message, and will tell you what we find.',
    accountUpdated: 'We have learned more about what happened: see "What happened".',
    nothingChanged: 'Nothing has changed since our last message. The investigation continues, and we will report what we find.',
    contactEmail: (p) => `Email: ${p.email}`,
    contactOther: (p) => `Contact: ${p.contact}`,
    hotline: (p) => `Phone: ${p.phone}`,
    incidentPage: (p) => `Updates and answers to common questions: ${p.url}`,
    questionForm: (p) => `Ask us a question: ${p.url}`,
    nextUpdate: (p) => `We will send our next update by ${p.when}, or sooner if we learn anything important.`,
    closingThanks: 'Thank you for your patience while we dealt with this incident, and for your trust.',
    signature: (p) => `The ${p.company} security team`,
    footer: (p) =>
      `You are receiving this email because some of your information was involved in this incident. It is a security notice, not marketing, so it reaches you even if you have opted out of marketing emails. Reference: ${p.incidentId}.`,
  },
  noticeEmail: {
    changes: 'What has changed since our last message',
    happened: 'What happened',
    consequences: 'What this information could be used for',
    cause: 'Why it happened',
    done: 'What we have done',
    todo: 'What you should do',
    remedies: 'What we are doing for you',
    contact: 'How to reach us',
  },
  // Cal. Civ. Code 1798.82(d)(1), word for word.
  californiaNotice: {
    title: 'Notice of Data Breach',
    happened: 'What Happened',
    involved: 'What Information Was Involved',
    doing: 'What We Are Doing',
    youCanDo: 'What You Can Do',
    moreInfo: 'For More Information',
  },
  // No link unless the company set its own: after a breach, people are told not to tap links in texts.
  sms: {
    first: (p) =>
      p.link
        ? [
            `${p.company}: we are sorry, a security incident on ${p.day} involved some of your information. We have emailed you the details: ${p.link} We never ask for codes.`,
            `${p.company}: a security incident on ${p.day} involved your information. Details: ${p.link} We never ask for codes.`,
            `${p.company}: a security incident involved your information. Details: ${p.link}`,
          ]
        : [
            `${p.company}: we are sorry, a security incident on ${p.day} involved your information. We have emailed you the details. We never text links or ask for codes.`,
            `${p.company}: a security incident on ${p.day} involved your information. We have emailed you the details. We never text links or ask for codes.`,
            `${p.company}: a security incident on ${p.day} involved your information. Details by email. We never text links or ask for codes.`,
            `${p.company}: a security incident involved your information. We have emailed you the details. We never text links or ask for codes.`,
            `${p.company}: a security incident involved your information. Details by email. We never text links or ask for codes.`,
          ],
    update: (p) =>
      p.link
        ? [
            `${p.company}: update ${p.update} on the security incident of ${p.day}. We have emailed you what has changed: ${p.link} We never ask for codes.`,
            `${p.company}: security incident update ${p.update}: ${p.link}`,
          ]
        : [
            `${p.company}: update ${p.update} on the security incident of ${p.day}. We have emailed you what has changed. We never text links or ask for codes.`,
            `${p.company}: update ${p.update} on the security incident. We have emailed you what has changed. We never text links or ask for codes.`,
            `${p.company}: security incident update ${p.update} sent by email. We never text links or ask for codes.`,
          ],
    closing: (p) =>
      p.link
        ? [
            `${p.company}: the security incident of ${p.day} is closed. Thank you for your patience. Our email has the summary: ${p.link} We never ask for codes.`,
            `${p.company}: security incident closed: ${p.link}`,
          ]
        : [
            `${p.company}: the security incident of ${p.day} is closed. Thank you for your patience. Our email has the summary. We never text links or ask for codes.`,
            `${p.company}: the security incident is closed. Our email has the summary. We never text links or ask for codes.`,
            `${p.company}: security incident closed, summary by email. We never text links or ask for codes.`,
          ],
  },
  remedies: {
    offers: {
      'credit-monitoring': 'We offer you credit monitoring free of charge for 12 months: it alerts you if someone tries to open credit in your name.',
      'card-replacement':
        'We have cancelled the payment card whose details were involved and are sending you a new one free of charge; you do not need to do anything.',
      reimbursement:
        'We will refund money or digital assets taken from your account without your authorisation through this incident, once we have checked each claim.',
      'password-reset': 'We have reset your password: you will be asked to choose a new one the next time you sign in.',
      'api-key-replacement': 'We have disabled the API keys involved, so they no longer work; you can create new ones in your account settings.',
    },
    terms: (p) => `The terms of this offer: ${p.url}`,
    formatDeadline: longDate,
    claimUrl: (p) => (p.deadline ? `To take up this offer, visit ${p.url} by ${p.deadline}.` : `To take up this offer, visit: ${p.url}`),
    claimContact: (p) => (p.deadline ? `To take up this offer, contact ${p.contact} by ${p.deadline}.` : `To take up this offer, contact: ${p.contact}`),
    claimUs: (p) =>
      p.deadline ? `To take up this offer, contact us by ${p.deadline} using the details below.` : 'To take up this offer, contact us using the details below.',
    sms: 'Our email says what we offer you.',
    previewHeading: 'Remedies offered by rule, and to how many customers',
    previewLine: (p) => `${endSentence(p.offer)} Offered to ${customers(p.customers)} whose ${p.categories} were involved.`,
  },
  preview: {
    customerName: '[customer name]',
    affectedData: '[the data of theirs involved]',
    localTimes: 'Local times customers read, one example per time zone',
    zoneTimes: (p) => `${p.zone}: ${p.firstSeen}`,
    zoneTimesWithNext: (p) => `${p.zone}: ${p.firstSeen}; next update by ${p.nextUpdate}`,
    moreZones: (p) => `and ${number.format(p.count)} more time ${p.count === 1 ? 'zone' : 'zones'}`,
    sms: 'SMS, as customers receive it',
    smsSize: (p) =>
      `${p.encoding}, ${number.format(p.characters)} characters: ${p.segments} ${p.segments === 1 ? 'segment' : 'segments'} (a single segment holds ${p.limit}), counted on the longest copy any customer receives.`,
    smsCost: (p) =>
      `Estimated cost: ${number.format(p.recipients)} ${p.recipients === 1 ? 'recipient' : 'recipients'} × ${p.segments} ${p.segments === 1 ? 'segment' : 'segments'} × ${p.perSegment} = ${p.total}. Prices vary by destination country.`,
    smsCostUnpriced: (p) =>
      `${number.format(p.recipients)} ${p.recipients === 1 ? 'recipient' : 'recipients'} × ${p.segments} ${p.segments === 1 ? 'segment' : 'segments'}; no price is configured for an estimate.`,
    noSms: 'No customer in this audience receives SMS.',
  },
  review: {
    version: (p) =>
      p.factsVersion === 0
        ? `Draft version ${p.version}; the response team has written no facts yet.`
        : `Draft version ${p.version}, written from version ${p.factsVersion} of the response team's facts.`,
    gaps: 'The languages do not carry the same facts:',
    nothingApprovedYet: 'No earlier notice of this incident was approved, so there is nothing to compare this one with.',
    noChanges: 'No changes.',
    changesSinceVersion: (p) => `Changes since version ${p.version} of this draft`,
    changesSinceApproved: (p) => `Changes since the last approved notice (${p.noticeId})`,
    notes: "The team's internal notes since the last approved notice (customers do not see them)",
  },
  finalReport: {
    subject: (p) => `Final report: incident ${p.incidentId} (${p.title})`,
    intro: (p) => `Incident ${p.incidentId} is closed. This is the final report of the customer communication.`,
    counts: 'Delivery figures',
    notices: 'Notices and approvals',
    timeline: 'Timeline',
    deliveryLine: (p) =>
      `${p.noticeId} ${p.channel}: sent ${p.sent}, suppressed ${p.suppressed}, failed ${p.failed}, uncertain ${p.uncertain}, unfinished ${p.unfinished} (intended ${p.intended})`,
    uncertainLine: (p) =>
      `${p.noticeId} ${p.channel}: to reconcile with the provider's records (uncertain): ${p.ids}${p.more > 0 ? ` and ${p.more} more (npm run incident -- deliveries ${p.incidentId} ${p.noticeId} --csv FILE)` : ''}`,
    unreachableLine: (p) =>
      `${p.noticeId}: ${p.count} customers reached on no channel, to call or write to (the public incident page is the last resort): ${p.ids}${p.more > 0 ? ` and ${p.more} more (npm run incident -- deliveries ${p.incidentId})` : ''}`,
    evidenceLine: (p) =>
      `${p.noticeId} ${p.channel} evidence: accepted ${number.format(p.accepted)}, delivered ${number.format(p.delivered)}, bounced ${number.format(p.bounced)} (bounce rate ${rate(p.bounceRate)}), complaints ${number.format(p.complained)} (complaint rate ${rate(p.complaintRate)}), soft bounces ${number.format(p.transientBounces)}, delayed ${number.format(p.delayed)}, rejected ${number.format(p.rejected)}, failed to render ${number.format(p.renderingFailures)}${p.resumed ? `; sent on despite its rates by ${p.resumed.by} at ${p.resumed.at}` : ''}`,
    unreconciled: (p) => `${p.noticeId}: THE DELIVERY FIGURES DO NOT RECONCILE; check the deliveries ledger before relying on them: ${p.problems}`,
    remedies: 'Remedies offered by rule',
    remedyLine: (p) => `${p.ruleId}: offered to ${customers(p.customers)}`,
    noRemedies: 'No remedy rule applied to the notices sent.',
    regulators: "Regulators' deadlines (assistance, not legal advice)",
    regulatorLine: (p) =>
      `${p.obligationId} (${p.law}): ${
        {
          met: 'MET',
          missed: 'MISSED',
          open: 'OPEN, not filed yet',
          'not-applicable': `not applicable: ${p.reason}`,
          waiting: 'clock not started',
          'no-fixed-deadline': p.filedAt ? 'filed (no fixed deadline)' : 'not filed (no fixed deadline)',
        }[p.outcome]
      }; deadline ${p.deadline ?? 'none'}; filed ${p.filedAt ? `${p.filedAt}, ref ${p.ref}` : 'no'}`,
    noRegulators: 'No regulator obligation was found to apply.',
    promises: 'Promised updates ("next update by")',
    promiseLine: (p) =>
      `${p.noticeId} promised the next update by ${p.promisedBy}: ${
        p.outcome === 'kept'
          ? `KEPT, ${p.next} sent ${p.sentAt}`
          : p.outcome === 'missed'
            ? p.next
              ? `MISSED, ${p.next} sent ${p.sentAt} (${p.lateMinutes} min late)`
              : 'MISSED, no notice sent since'
            : 'open, not due yet'
      }`,
    noPromises: 'No notice promised an update.',
    scope: 'Who was affected: scope decisions',
    scopeLine: (p) => `Decision ${p.version} by ${p.by} at ${p.at}: ${p.summary}. Why: ${p.reason}`,
    scopeFromAlarm: "No decision: the customers holding data on the alarm's resources.",
    closedBecause: (p) => `Closed by ${p.by}: ${p.reason}`,
    questions: "Customers' questions",
    questionsLine: (p) =>
      `${p.received} received, ${p.answered} answered (${p.emailed} answers emailed to the askers); FAQ: ${p.faqPublished} published, ${p.faqPending} awaiting approval, ${p.faqRejected} refused`,
    drill: 'Drill: time each step took against the playbook targets (minutes from the alarm)',
    drillStep: {
      opened: 'incident opened',
      paged: 'team paged',
      drafted: 'first notice drafted',
      approvalRequested: 'approval requested',
      approved: 'first notice approved',
      sent: 'first notice sent to all',
      closed: 'closed',
      finalReport: 'final report',
    },
    drillLine: (p) =>
      `${p.step}: ${p.at ?? 'not yet'}${p.stepMinutes === null ? '' : `, step ${p.stepMinutes} min, ${p.sinceAlarmMinutes} min from the alarm`}${p.targetMinutes === null ? '' : `; target ${p.targetMinutes} min`}: ${p.verdict}`,
    drillSummary: (p) => `Targets met: ${p.met}; missed: ${p.missed}.`,
  },
  drill: {
    marker: '[DRILL]',
    sentence: 'This is a drill: no incident happened and no action is needed.',
  },
  approvalEmail: {
    subject: (p) =>
      `[Approval needed${p.escalated ? ', escalated' : ''}] ${p.closing ? 'Closing customer notice' : p.update === null ? 'First customer notice' : `Customer update ${p.update}`} for incident ${p.incidentId}`,
    summary: (p) =>
      `Incident ${p.incidentId}: ${endSentence(p.title)} Severity ${p.severity}; ${p.customers} ${p.customers === 1 ? 'customer' : 'customers'} affected; first seen ${p.firstSeenAt}.`,
    reviewHtml: (p) => `Please review the notice below, then open your personal link to approve or reject it (decide by ${p.by}):`,
    reviewText: (p) => `Review the notice below, then decide at your personal link (by ${p.by}):`,
    codeInEmailHtml: (p) => `On the page, type this confirmation code: ${p.code}`,
    codeInEmailText: (p) => `Confirmation code to type on the page: ${p.code}`,
    codeBySmsHtml: 'On the page, type the confirmation code we send to your phone by SMS.',
    codeBySmsText: 'Type the confirmation code we send to your phone by SMS.',
    linkChangesNothing: 'Opening the link changes nothing; the decision is made on the page with the code.',
    doNotForward: 'The link and code are yours alone: do not forward them.',
    sms: (p) => `breach-notice approval code for incident ${p.incidentId}: ${p.code}. Never share it.`,
  },
  approvalPage: {
    'link-invalid': () => 'The link is incomplete or was changed. Open it again from your email.',
    'request-gone': () => 'The approval request behind this link no longer exists.',
    locked: () => 'Too many wrong codes were typed: this link is locked and the response team has been told.',
    'stale-form': () => 'The form has expired or did not come from this page. Reload the page and decide again.',
    'wrong-code': (p) => `That is not the code from your email. ${p.left} tries left before this link locks.`,
    'you-already-approved': (p) => `You already approved this notice; ${p.count} of ${p.quorum} approvals so far.`,
    'already-approved': (p) => `This notice was already approved by ${p.by} at ${p.at}.`,
    'already-rejected': (p) => `This notice was already rejected by ${p.by} at ${p.at}.`,
    superseded: () => 'This link was replaced: the request was escalated to other approvers.',
    edited: () => 'The notice was edited after this request was sent. The new version needs its own approval: you will receive a new link.',
    expired: (p) => `This link expired at ${p.at}.`,
    'choose-decision': () => 'Choose approve or reject.',
    'reason-needed': () => 'A rejection needs a reason.',
    'code-needed': (p) => `Type the ${p.digits}-digit code from your email.`,
    'title-bad-request': () => 'The form was not complete',
    'title-unknown-link': () => 'This approval link is not valid',
    'title-already-decided': () => 'This notice has already been decided',
    'title-expired': () => 'This approval link has expired',
    'title-superseded': () => 'This approval link is no longer active',
    'title-wrong-code': () => 'The confirmation code is not right',
    'title-locked': () => 'This approval link is locked',
    'title-stale-form': () => 'Please reload the page',
    'nothing-changed': () => 'Nothing was changed.',
    'title-approve': () => 'Approve the customer notice',
    'title-decided': () => 'Decision recorded',
    'deciding-as': (p) => `You are deciding as <strong>${p.approver}</strong>. Decide by ${p.by}.`,
    quorum: (p) => `Approvals needed: ${p.quorum}.`,
    'approved-so-far': (p) => `Approved so far by: ${p.names}.`,
    'nobody-yet': () => 'Nobody has decided yet.',
    incident: (p) => `Incident ${p.id}`,
    what: () => 'What',
    when: (p) => `first seen ${p.at}`,
    'when-label': () => 'When',
    customers: () => 'Customers affected',
    data: () => 'Data',
    severity: () => 'Severity',
    'notice-heading': () => 'The notice, exactly as customers will see it',
    'code-label': () => 'Confirmation code from your email',
    'reason-label': () => 'Reason (required to reject)',
    approve: () => 'Approve and send',
    reject: () => 'Reject',
    'decided-rejected': () => 'The notice is rejected; the response team has your reason.',
    'decided-counted': (p) => `Your approval is recorded: ${p.count} of ${p.quorum}. The notice goes out once ${p.quorum} approvers have approved.`,
    'decided-approved': () => 'The notice is approved and is being sent to customers.',
    'recorded-for': (p) => `Recorded for ${p.approver} at ${p.at}.`,
    'callback-pending': () =>
      'Your decision is recorded, but the workflow could not be told yet. It is retried automatically within a minute; submitting again retries it now.',
    'callback-lost': () => 'The decision is recorded, but the workflow no longer waits for it. The response team has been told.',
    'returned-approved': (p) => `This notice was approved by ${p.by} at ${p.at}. That decision has now reached the workflow.`,
    'returned-rejected': (p) => `This notice was rejected by ${p.by} at ${p.at}. That decision has now reached the workflow.`,
  },
  answer: {
    subject: (id) => `Our answer to your question about incident ${id}`,
    intro: (id) => `You asked us a question about incident ${id}. Here is our answer.`,
    noReply: 'Please do not reply to this email. We used your address only to send this answer and have now deleted it.',
    confirmSubject: (id) => `Confirm your email address to receive our answer (incident ${id})`,
    confirmBody: (id) =>
      `Someone asked us a question about incident ${id} on our incident page and left this email address for the answer. We send the answer only once the address is confirmed.`,
    confirmLink: (at) => `To receive it, open this link and press the button on the page (until ${at}):`,
    confirmIgnore: 'If this was not you, ignore this email: we will not write to this address again about it.',
    confirmTitle: 'Confirm your email address',
    confirmPage: (id) => `Press the button to confirm this address and receive our answer to your question about incident ${id}.`,
    confirmButton: 'Confirm and send me the answer',
    confirmedTitle: 'Address confirmed',
    confirmed: 'Thank you. Your address is confirmed: our answer is on its way, or follows as soon as it is ready.',
    refusedTitle: 'This link cannot be used',
    unknownLink: 'This link is not valid or was already used.',
    expiredLink: 'This link has expired.',
    staleForm: 'The page has expired. Please open the link from the email again.',
  },
  incidentPage: {
    title: (p) => `${p.company}: security incident`,
    headline: (p) => `${p.company} is informing its customers and the public about a security incident that involved customer information.`,
    apology: 'We are sorry that this has happened, and we are keeping the customers concerned informed until it is resolved.',
    consequences: 'What this information could be used for',
    closedUpdate: 'The incident is closed.',
    statement: 'Our statement',
    updates: 'Updates',
    update: (p) => `Update ${p.n} (${p.date})`,
    closed: 'This incident is closed.',
    whatToDo: 'What customers should do',
    remedies: 'What we offer customers',
    faq: 'Questions and answers',
    contact: 'How to reach us',
    ask: 'Ask us a question',
    askLink: 'Open the question form',
    nextUpdate: (p) => `Next update by ${p.when}.`,
    noMoreUpdates: 'No further updates are planned.',
    published: (p) => `Page updated ${p.when}.`,
    otherLanguages: 'Other languages',
    summary: (p) =>
      p.closed
        ? `${p.company} has closed its security incident. The final statement: ${p.url}`
        : p.updates > 0
          ? `${p.company} security incident: update ${p.updates} published. Details and what to do: ${p.url}`
          : `${p.company} security incident: what happened and what to do: ${p.url}`,
  },
  questionForm: {
    title: 'Ask us a question',
    intro: 'Ask about this incident. Do not include passwords, card numbers or other secrets.',
    question: 'Your question',
    email: 'Your email address (optional)',
    emailHint: 'Only to send you our answer: we delete it once the answer is sent, and 30 days after you ask at the latest.',
    send: 'Send',
    honeypot: 'Leave this field empty',
    thanksTitle: 'Thank you',
    thanks: 'We have received your question. We answer common questions on the incident page.',
    thanksEmail: 'We will email you our answer.',
    back: 'Back to the incident page',
    invalidTitle: 'Your question was not sent',
    invalid: 'Please check the form: the question needs 5 to 2,000 characters, and the email address must be valid or empty.',
    tooFast: 'The form was sent too quickly. Please go back, wait a moment and send it again.',
    expired: 'The form has expired. Please open it again.',
    closed: 'This incident is closed and no longer takes questions.',
    limitedTitle: 'Too many questions',
    limited: 'We have received many questions in a short time. Please try again in a few minutes.',
    usedTitle: 'This form was already sent',
    used: 'Each form takes one question, and we have received this one. To ask another question, open the form again.',
  },
};

/**
 * What only drafting and the incident page say (consequences, the public's wording, confirmed
 * actions): kept apart from the catalogue so the functions that only send carry none of it.
 */
export const enDrafting: DraftingTexts = {
  consequences: {
    name: 'A name can be used to make a scam email, call or letter look genuine.',
    email: 'An email address can receive phishing emails made to look as if they come from us or from others.',
    phone: 'A phone number can receive scam calls and text messages, or be the target of an attempt to take it over.',
    address: 'A postal address can receive scam letters, or be used to make other fraud look genuine.',
    date_of_birth: "A date of birth, with other details, can help someone pass identity checks in another person's name.",
    password: 'A hashed password can sometimes be worked out, then tried on other services where the same password is used.',
    government_id: "A government ID number can be used to open accounts or apply for credit in another person's name.",
    payment_card: 'Payment card details can be used for purchases the cardholder did not make.',
    bank_account: 'Bank account details can be used to set up payments the account holder did not authorise, or in scams that pretend to come from the bank.',
    transaction_history: 'A transaction history reveals spending habits and can make scam messages more convincing.',
    crypto_assets: 'Knowing who holds digital assets can make them a target of theft attempts and scams.',
    api_keys: 'API keys give access to an account and its data until they are disabled.',
  },
  publicAdvice: {
    changePassword: 'Customers whose password was involved should change it now, and anywhere else they used the same one.',
    changePasswordAfterReset:
      'Customers whose password was reset choose a new one when they next sign in, and should change the old one anywhere else they used it.',
    twoFactor: 'Customers should turn on two-factor authentication in their account settings.',
    checkTransactions: 'Customers should check their recent transactions and tell us at once about any they do not recognise.',
    cardIssuer: 'Customers whose payment card details were involved can ask the bank that issued the card to block it and send a new one.',
    revokeApiKeys: 'Customers whose API keys were involved should revoke them and create new ones.',
    createApiKeys: 'The API keys involved no longer work: their holders can create new ones in their account settings.',
    phishing: 'We never send links by text message and never ask for passwords or codes: any message about this incident that does is a scam.',
    phishingWithLink: 'We never ask for passwords or codes: any email, call or message about this incident that does is a scam.',
  },
  publicHappened: (p) => `${happened[p.source](p.when)} ${involved(p.customers)}`,
  confirmedAction: {
    'passwords-reset': 'We have reset the passwords involved: a new one is chosen at the next sign-in.',
    'api-keys-disabled': 'We have disabled the API keys involved: they no longer work.',
    'cards-replaced': 'We have cancelled the payment cards involved and are sending new ones free of charge.',
  },
  publicOffers: {
    'credit-monitoring': 'credit monitoring free of charge for 12 months, which alerts them if someone tries to open credit in their name',
    'card-replacement': 'we have cancelled the cards involved and are sending new ones free of charge',
    reimbursement: 'we refund money or digital assets taken from their account without their authorisation through this incident, once each claim is checked',
    'password-reset': 'we have reset their password; a new one is chosen at the next sign-in',
    'api-key-replacement': 'we have disabled the API keys involved; new ones can be created in the account settings',
  },
  publicOffer: (p) => `Customers whose data involved included ${p.categories}: ${p.offer}`,
};
