import type { Locale } from './locales.js';

/** The incident page's own words, per locale; the notices' sentences come from the approved notices. */
export interface IncidentPageTexts {
  title: (p: { company: string }) => string;
  statement: string;
  updates: string;
  update: (p: { n: number; date: string }) => string;
  closed: string;
  whatToDo: string;
  remedies: string;
  faq: string;
  contact: string;
  ask: string;
  askLink: string;
  nextUpdate: (p: { when: string }) => string;
  noMoreUpdates: string;
  published: (p: { when: string }) => string;
  otherLanguages: string;
  /** The text announced to the public channels, and the page's summary. */
  summary: (p: { company: string; updates: number; closed: boolean; url: string }) => string;
}

export const incidentPageTexts: Record<Locale, IncidentPageTexts> = {
  en: {
    title: (p) => `${p.company}: security incident`,
    statement: 'Our statement',
    updates: 'Updates',
    update: (p) => `Update ${p.n} (${p.date})`,
    closed: 'This incident is closed.',
    whatToDo: 'What you should do',
    remedies: 'What we offer you',
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
  'zh-CN': {
    title: (p) => `${p.company}：安全事件`,
    statement: '我们的声明',
    updates: '最新进展',
    update: (p) => `第 ${p.n} 次更新（${p.date}）`,
    closed: '此事件已结束。',
    whatToDo: '您需要做什么',
    remedies: '我们为您提供的补救措施',
    faq: '常见问题解答',
    contact: '联系我们',
    ask: '向我们提问',
    askLink: '打开提问表单',
    nextUpdate: (p) => `下一次更新将不晚于 ${p.when}。`,
    noMoreUpdates: '不再计划进一步更新。',
    published: (p) => `页面更新于 ${p.when}。`,
    otherLanguages: '其他语言',
    summary: (p) =>
      p.closed
        ? `${p.company} 的安全事件已结束。最终声明：${p.url}`
        : p.updates > 0
          ? `${p.company} 安全事件：已发布第 ${p.updates} 次更新。详情及应对措施：${p.url}`
          : `${p.company} 安全事件：事件经过及应对措施：${p.url}`,
  },
  es: {
    title: (p) => `${p.company}: incidente de seguridad`,
    statement: 'Nuestro comunicado',
    updates: 'Novedades',
    update: (p) => `Actualización ${p.n} (${p.date})`,
    closed: 'Este incidente está cerrado.',
    whatToDo: 'Qué debe hacer',
    remedies: 'Lo que le ofrecemos',
    faq: 'Preguntas y respuestas',
    contact: 'Cómo contactarnos',
    ask: 'Háganos una pregunta',
    askLink: 'Abrir el formulario de preguntas',
    nextUpdate: (p) => `Próxima actualización antes del ${p.when}.`,
    noMoreUpdates: 'No hay más actualizaciones previstas.',
    published: (p) => `Página actualizada el ${p.when}.`,
    otherLanguages: 'Otros idiomas',
    summary: (p) =>
      p.closed
        ? `${p.company} ha cerrado su incidente de seguridad. El comunicado final: ${p.url}`
        : p.updates > 0
          ? `Incidente de seguridad de ${p.company}: publicada la actualización ${p.updates}. Detalles y qué hacer: ${p.url}`
          : `Incidente de seguridad de ${p.company}: qué pasó y qué hacer: ${p.url}`,
  },
};
