import type { Locale } from './locales.js';

/** The email that carries an operator's answer to the customer who asked, in the question's language. */
export interface AnswerTexts {
  subject: (incidentId: string) => string;
  intro: (incidentId: string) => string;
  noReply: string;
}

export const answerTexts: Record<Locale, AnswerTexts> = {
  en: {
    subject: (id) => `Our answer to your question about incident ${id}`,
    intro: (id) => `You asked us a question about incident ${id}. Here is our answer.`,
    noReply: 'Please do not reply to this email. We keep your address only to send this answer and delete it with your question.',
  },
  'zh-CN': {
    subject: (id) => `关于事件 ${id} 您所提问题的答复`,
    intro: (id) => `您就事件 ${id} 向我们提出了问题。以下是我们的答复。`,
    noReply: '请勿回复此邮件。我们仅为发送此答复保留您的地址，并会与您的问题一并删除。',
  },
  es: {
    subject: (id) => `Nuestra respuesta a su pregunta sobre el incidente ${id}`,
    intro: (id) => `Nos hizo una pregunta sobre el incidente ${id}. Esta es nuestra respuesta.`,
    noReply: 'No responda a este correo. Guardamos su dirección solo para enviarle esta respuesta y la borramos con su pregunta.',
  },
};
