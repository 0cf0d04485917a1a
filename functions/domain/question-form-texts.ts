import type { Locale } from './locales.js';

export interface QuestionFormTexts {
  title: string;
  intro: string;
  question: string;
  email: string;
  emailHint: string;
  send: string;
  honeypot: string;
  thanksTitle: string;
  thanks: string;
  thanksEmail: string;
  back: string;
  invalidTitle: string;
  invalid: string;
  tooFast: string;
  expired: string;
  closed: string;
  limitedTitle: string;
  limited: string;
  /** A form sent a second time (each served form takes one question). */
  usedTitle: string;
  used: string;
}

export const questionFormTexts: Record<Locale, QuestionFormTexts> = {
  en: {
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
  'zh-CN': {
    title: '向我们提问',
    intro: '请就此事件提问。请勿填写密码、卡号或其他机密信息。',
    question: '您的问题',
    email: '您的电子邮件地址（选填）',
    emailHint: '仅用于向您发送答复：答复发出后即删除，最迟在您提问 30 天后删除。',
    send: '发送',
    honeypot: '请勿填写此栏',
    thanksTitle: '谢谢',
    thanks: '我们已收到您的问题。常见问题的答复会发布在事件页面上。',
    thanksEmail: '我们会通过电子邮件答复您。',
    back: '返回事件页面',
    invalidTitle: '您的问题未发送',
    invalid: '请检查表单：问题需为 5 至 2000 个字符，电子邮件地址须有效或留空。',
    tooFast: '表单提交过快。请返回，稍候再提交。',
    expired: '表单已过期。请重新打开。',
    closed: '此事件已结束，不再接受提问。',
    limitedTitle: '提问过多',
    limited: '短时间内收到的提问过多。请几分钟后再试。',
    usedTitle: '此表单已提交',
    used: '每份表单只能提交一个问题，我们已收到此问题。如需再次提问，请重新打开表单。',
  },
  es: {
    title: 'Háganos una pregunta',
    intro: 'Pregunte sobre este incidente. No incluya contraseñas, números de tarjeta ni otros secretos.',
    question: 'Su pregunta',
    email: 'Su correo electrónico (opcional)',
    emailHint: 'Solo para enviarle nuestra respuesta: lo borramos al enviarla y, como muy tarde, 30 días después de su pregunta.',
    send: 'Enviar',
    honeypot: 'Deje este campo vacío',
    thanksTitle: 'Gracias',
    thanks: 'Hemos recibido su pregunta. Respondemos las preguntas frecuentes en la página del incidente.',
    thanksEmail: 'Le enviaremos nuestra respuesta por correo.',
    back: 'Volver a la página del incidente',
    invalidTitle: 'Su pregunta no se ha enviado',
    invalid: 'Revise el formulario: la pregunta debe tener de 5 a 2000 caracteres y el correo debe ser válido o quedar vacío.',
    tooFast: 'El formulario se envió demasiado rápido. Vuelva atrás, espere un momento y envíelo de nuevo.',
    expired: 'El formulario ha caducado. Ábralo de nuevo.',
    closed: 'Este incidente está cerrado y ya no admite preguntas.',
    limitedTitle: 'Demasiadas preguntas',
    limited: 'Hemos recibido muchas preguntas en poco tiempo. Inténtelo de nuevo en unos minutos.',
    usedTitle: 'Este formulario ya se envió',
    used: 'Cada formulario admite una pregunta y ya hemos recibido esta. Para hacer otra pregunta, abra el formulario de nuevo.',
  },
};
