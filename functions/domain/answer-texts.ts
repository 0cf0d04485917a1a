import type { Locale } from './locales.js';
import { escapeHtml } from './preview.js';

/** The emails and page that carry an operator's answer to the customer who asked, in the question's language. */
export interface AnswerTexts {
  subject: (incidentId: string) => string;
  intro: (incidentId: string) => string;
  /** True when it is sent: the address is deleted with the claim of this one email (functions/adapters/question-store.ts). */
  noReply: string;
  /** The one email to an address not yet confirmed: it says nothing of the question. */
  confirmSubject: (incidentId: string) => string;
  confirmBody: (incidentId: string) => string;
  confirmLink: (expiresAt: string) => string;
  confirmIgnore: string;
  /** The confirmation page (GET shows it, its button POSTs). */
  confirmTitle: string;
  confirmPage: (incidentId: string) => string;
  confirmButton: string;
  confirmedTitle: string;
  confirmed: string;
  refusedTitle: string;
  unknownLink: string;
  expiredLink: string;
  staleForm: string;
}

export const answerTexts: Record<Locale, AnswerTexts> = {
  en: {
    subject: (id) => `Our answer to your question about incident ${id}`,
    intro: (id) => `You asked us a question about incident ${id}. Here is our answer.`,
    noReply: 'Please do not reply to this email. We used your address only to send this answer and have now deleted it.',
    confirmSubject: (id) => `Confirm your email address to receive our answer (incident ${id})`,
    confirmBody: (id) => `Someone asked us a question about incident ${id} on our incident page and left this email address for the answer. We send the answer only once the address is confirmed.`,
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
  'zh-CN': {
    subject: (id) => `关于事件 ${id} 您所提问题的答复`,
    intro: (id) => `您就事件 ${id} 向我们提出了问题。以下是我们的答复。`,
    noReply: '请勿回复此邮件。我们仅将您的地址用于发送此答复，现已将其删除。',
    confirmSubject: (id) => `请确认您的电子邮件地址以接收我们的答复（事件 ${id}）`,
    confirmBody: (id) => `有人在我们的事件页面上就事件 ${id} 提出了问题，并留下此电子邮件地址以接收答复。只有在地址确认后，我们才会发送答复。`,
    confirmLink: (at) => `如需接收答复，请打开此链接并点击页面上的按钮（有效期至 ${at}）：`,
    confirmIgnore: '如果这不是您本人，请忽略此邮件：我们不会再就此事写信到这个地址。',
    confirmTitle: '确认您的电子邮件地址',
    confirmPage: (id) => `请点击按钮确认此地址，以接收我们对您关于事件 ${id} 的问题的答复。`,
    confirmButton: '确认并发送答复给我',
    confirmedTitle: '地址已确认',
    confirmed: '谢谢。您的地址已确认：我们的答复已在发送途中，或将在准备好后立即发送。',
    refusedTitle: '此链接无法使用',
    unknownLink: '此链接无效或已被使用。',
    expiredLink: '此链接已过期。',
    staleForm: '页面已过期。请重新打开邮件中的链接。',
  },
  es: {
    subject: (id) => `Nuestra respuesta a su pregunta sobre el incidente ${id}`,
    intro: (id) => `Nos hizo una pregunta sobre el incidente ${id}. Esta es nuestra respuesta.`,
    noReply: 'No responda a este correo. Usamos su dirección solo para enviarle esta respuesta y ya la hemos borrado.',
    confirmSubject: (id) => `Confirme su dirección de correo para recibir nuestra respuesta (incidente ${id})`,
    confirmBody: (id) => `Alguien nos hizo una pregunta sobre el incidente ${id} en nuestra página del incidente y dejó esta dirección para la respuesta. Solo enviamos la respuesta cuando la dirección está confirmada.`,
    confirmLink: (at) => `Para recibirla, abra este enlace y pulse el botón de la página (hasta ${at}):`,
    confirmIgnore: 'Si no fue usted, ignore este correo: no volveremos a escribir a esta dirección por este motivo.',
    confirmTitle: 'Confirme su dirección de correo',
    confirmPage: (id) => `Pulse el botón para confirmar esta dirección y recibir nuestra respuesta a su pregunta sobre el incidente ${id}.`,
    confirmButton: 'Confirmar y enviarme la respuesta',
    confirmedTitle: 'Dirección confirmada',
    confirmed: 'Gracias. Su dirección está confirmada: nuestra respuesta está en camino, o llegará en cuanto esté lista.',
    refusedTitle: 'Este enlace no se puede usar',
    unknownLink: 'Este enlace no es válido o ya se ha usado.',
    expiredLink: 'Este enlace ha caducado.',
    staleForm: 'La página ha caducado. Abra de nuevo el enlace del correo.',
  },
};

/** Line breaks of every kind, including those a mail client may honour that `\n` splitting misses. */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;
/** Other control characters and the bidirectional overrides that can make text read as something it is not. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (they are dropped from quoted text).
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Someone else's text as lines of plain text, tabs kept, invisible controls dropped. */
function quotedLines(text: string): string[] {
  return text.split(LINE_BREAK).map((line) => line.replace(INVISIBLE, ''));
}

/**
 * Someone else's text (a customer's question) quoted in a plain-text email: every line starts with
 * "> ", so however it is written no line of it can pass for one of the email's own lines (a link to
 * approve, a code).
 */
export function quoteText(text: string): string {
  return quotedLines(text.trim()).map((line) => (line.trim() === '' ? '>' : `> ${line}`)).join('\n');
}

/** The same text in an email's HTML: escaped, a line per line, inside a blockquote. */
export function quoteHtml(text: string): string {
  return `<blockquote>${quotedLines(text.trim()).map(escapeHtml).join('<br>')}</blockquote>`;
}
