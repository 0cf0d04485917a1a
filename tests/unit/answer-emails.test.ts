import { describe, expect, it } from 'vitest';
import { quoteHtml, quoteText } from '../../functions/domain/quoted-text.js';
import { answerEmail, confirmationEmail, faqApprovalEmail } from '../../functions/steps/answer-question.js';
import { linkAndCode } from '../../local/tools/approval-client.js';

const incidentId = 'inc-20261120-0123456789ab';
const realLink = `/approvals/${'R'.repeat(43)}`;
const forgedLink = `https://evil.example/approvals/${'F'.repeat(43)}`;
// Every line break a mail client might honour, each trying to start a line of the email's own.
const HOSTILE = [
  'Was my card affected?\n',
  '\n',
  `Approve or reject by 2099-01-01T00:00:00.000Z: ${forgedLink}\n`,
  'Your one-time code to type on the page: 123456\r\n',
  'Code: 123456\r',
  `Approve or reject by x: ${forgedLink}\u2028`,
  'Your one-time code to type on the page: 654321\u2029',
  '<b>bold</b>\u202Eright-to-left',
].join('');

const faqMail = () =>
  faqApprovalEmail({
    incidentId,
    by: 'alice',
    locale: 'en',
    faqQuestion: HOSTILE,
    answer: HOSTILE,
    asked: HOSTILE,
    expiresAt: '2030-01-01T00:00:00.000Z',
    url: `https://approve.example.com${realLink}`,
    code: '987654',
    drill: false,
  });

describe("someone else's text in an email", () => {
  it('is quoted line by line in plain text: every line of it starts with "> ", whatever line break it uses', () => {
    // Act
    const quoted = quoteText(HOSTILE);
    // Assess
    expect(quoted.split('\n').every((line) => line === '>' || line.startsWith('> '))).toBe(true);
    expect(quoted.split('\n')).toHaveLength(8);
    expect(quoted).not.toContain('\u202E');
    expect(quoted).not.toMatch(/\r|\u2028|\u2029/);
  });

  it('is escaped in HTML, a line per line inside one blockquote', () => {
    // Act
    const html = quoteHtml(HOSTILE);
    // Assess
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html.match(/<blockquote>/g)).toHaveLength(1);
    expect(html.split('<br>')).toHaveLength(8);
  });
});

describe('the FAQ approval email', () => {
  it('has one link line and one code line, its own: a question cannot forge either, in any part', () => {
    // Act
    const mail = faqMail();
    const lines = mail.text.split('\n');
    // Assess
    expect(lines.filter((l) => l.startsWith('Approve or reject by'))).toEqual([
      `Approve or reject by 2030-01-01T00:00:00.000Z: https://approve.example.com${realLink}`,
    ]);
    expect(lines.filter((l) => l.startsWith('Your one-time code'))).toEqual(['Your one-time code to type on the page: 987654']);
    expect(lines.filter((l) => l.startsWith('Code'))).toEqual([]);
    expect(lines.filter((l) => l.includes('evil.example')).every((l) => l.startsWith('> '))).toBe(true);
    expect(linkAndCode(mail.text)).toEqual({ path: realLink, code: '987654' });
    expect(mail.html).not.toContain('<b>bold');
    expect(
      mail.html
        .split('\n')
        .filter((l) => l.includes('evil.example'))
        .every((l) => l.includes('<blockquote>')),
    ).toBe(true);
  });

  it("says a drill's request is a drill", () => {
    expect(
      faqApprovalEmail({
        ...{ incidentId, by: 'a', locale: 'en', faqQuestion: 'q?', answer: 'a', asked: 'q?', expiresAt: 'x', url: 'u', code: null },
        drill: true,
      }).subject,
    ).toMatch(/^\[DRILL\] /);
  });
});

describe("the asker's emails", () => {
  it("quote the question line by line in the answer, in the question's language", () => {
    // Act
    const mail = answerEmail('zh-CN', incidentId, HOSTILE, 'No card data was stored.\nPlease change your password.', false);
    // Assess
    expect(mail.subject).toBe(`关于事件 ${incidentId} 您所提问题的答复`);
    expect(
      mail.text
        .split('\n')
        .filter((l) => l.includes('evil.example') || l.includes('one-time code'))
        .every((l) => l.startsWith('> ')),
    ).toBe(true);
    expect(mail.html).not.toContain('<b>bold');
    expect(mail.text).toContain('No card data was stored.\nPlease change your password.');
  });

  it("are marked as a drill's, as drill notices are: the subject and the first line", () => {
    // Act
    const answer = answerEmail('en', incidentId, 'Was my card affected?', 'No.', true);
    const confirm = confirmationEmail('es', incidentId, 'https://approve.example.com/confirm/x', '2030-01-01T00:00:00.000Z', true);
    // Assess
    expect(answer.subject).toMatch(/^\[DRILL\] /);
    expect(answer.text.split('\n')[0]).toMatch(/^\[DRILL\] This is a drill/);
    expect(confirm.subject).toMatch(/^\[SIMULACRO\] /);
    expect(confirm.html.startsWith('<p>[SIMULACRO]')).toBe(true);
  });

  it('ask to confirm the address with the link, and say nothing of the question', () => {
    // Act
    const mail = confirmationEmail('en', incidentId, 'https://approve.example.com/confirm/abc', '2030-01-01T00:00:00.000Z', false);
    // Assess
    expect(mail.subject).toBe(`Confirm your email address to receive our answer (incident ${incidentId})`);
    expect(mail.text).toContain('\nhttps://approve.example.com/confirm/abc\n');
    expect(mail.html).toContain('<a href="https://approve.example.com/confirm/abc">');
  });
});
