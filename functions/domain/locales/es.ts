import type { AlarmSource } from '../incident.js';
import type { LocaleCatalogue } from './catalogue.js';

// Each phrase carries its own object clause: "sistemas" (plural) and "ubicación" (singular) agree differently.
const detected: Record<AlarmSource, string> = {
  guardduty: 'actividad no autorizada en sistemas que contienen información de clientes',
  securityhub: 'que se estaba aprovechando una vulnerabilidad de seguridad en sistemas que contienen información de clientes',
  macie: 'que información de clientes había quedado expuesta en una ubicación de almacenamiento',
  cloudwatch: 'actividad anómala en sistemas que contienen información de clientes',
  manual: 'un incidente de seguridad en sistemas que contienen información de clientes',
};

const date = new Intl.DateTimeFormat('es-ES', { dateStyle: 'long', timeZone: 'UTC' });
const time = new Intl.DateTimeFormat('es-ES', { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
const list = new Intl.ListFormat('es', { type: 'conjunction' });
// Spanish says "a la 1:05" but "a las 2:05": the article agrees with the hour.
const at = (d: Date) => (d.getUTCHours() === 1 ? 'a la' : 'a las');
const one = (n: string | number) => Number(n) === 1;

export const es: LocaleCatalogue = {
  language: 'es',
  formatTime: (iso) => {
    const d = new Date(iso);
    return `${date.format(d)} ${at(d)} ${time.format(d)} (UTC)`;
  },
  // Intl writes "y" as "e" before an /i/ sound ("nombre e historial"), as Spanish requires.
  formatList: (items) => list.format(items),
  dataCategories: {
    name: 'nombre',
    email: 'dirección de correo electrónico',
    phone: 'número de teléfono',
    address: 'dirección postal',
    date_of_birth: 'fecha de nacimiento',
    password: 'contraseña (almacenada en forma de hash)',
    government_id: 'número de documento de identidad',
    payment_card: 'datos de la tarjeta de pago',
    bank_account: 'datos de la cuenta bancaria',
    transaction_history: 'historial de transacciones',
    crypto_assets: 'activos digitales que mantiene con nosotros',
    api_keys: 'claves de API',
  },
  advice: {
    changePassword: 'Cambie su contraseña ahora, y también en cualquier otro sitio donde use la misma.',
    twoFactor: 'Active la verificación en dos pasos en la configuración de su cuenta.',
    checkTransactions: 'Revise sus transacciones recientes y avísenos de inmediato de cualquiera que no reconozca.',
    revokeApiKeys: 'Revoque sus claves de API y genere otras nuevas.',
    phishing:
      'Desconfíe de los correos, llamadas o mensajes que mencionen este incidente y le pidan contraseñas o códigos: nosotros nunca se los pediremos.',
  },
  notice: {
    firstSubject: (p) => `Importante: un incidente de seguridad en ${p.company} ha afectado a su información`,
    updateSubject: (p) => `Actualización ${p.update} sobre el incidente de seguridad en ${p.company}`,
    firstHeadline: (p) => `Le escribimos para informarle de un incidente de seguridad en ${p.company} que ha afectado a parte de su información.`,
    updateHeadline: 'Esta es una actualización sobre el incidente de seguridad del que le informamos.',
    whatHappened: (p) =>
      `El ${p.when}, nuestro sistema de supervisión de seguridad detectó ${detected[p.source]}. ` +
      `${one(p.customers) ? 'Es posible que 1 cliente se haya visto afectado' : `Es posible que ${p.customers} clientes se hayan visto afectados`}. ` +
      `La información afectada es: ${p.data}.`,
    responseTeamAlerted: 'Nuestro equipo de respuesta a incidentes de seguridad recibió la alerta de inmediato y está investigando.',
    nothingNew: 'La investigación continúa; no hay novedades desde nuestro último mensaje.',
    contact: (p) => `Escríbanos a ${p.contact} o visite ${p.incidentPageUrl} para consultar las novedades y las respuestas a las preguntas frecuentes.`,
    sms: (p) =>
      `${p.company}: un incidente de seguridad ocurrido el ${p.when} afectó a sus datos (${p.affectedData}). Le hemos enviado por correo electrónico los detalles y qué debe hacer. Novedades: ${p.incidentPageUrl}`,
  },
  noticeEmail: {
    greeting: (p) => `Estimado/a ${p.customerName}:`,
    yourData: (p) => `En su caso, los datos afectados son: ${p.affectedData}.`,
    happened: 'Qué ha ocurrido',
    done: 'Qué hemos hecho',
    todo: 'Qué debe hacer ahora',
    contact: 'Cómo contactar con nosotros',
    next: (p) => `Le enviaremos la próxima actualización a más tardar el ${p.nextUpdate}.`,
    footer: (p) => `Referencia: ${p.incidentId}. Ha recibido este mensaje porque su cuenta se ha visto afectada.`,
  },
  preview: { customerName: '[nombre del cliente]', affectedData: '[sus datos afectados]' },
  finalReport: {
    subject: (p) => `Informe final: incidente ${p.incidentId} (${p.title})`,
    intro: (p) => `El incidente ${p.incidentId} está cerrado. Este es el informe final de la comunicación con los clientes.`,
    counts: 'Cifras de entrega',
    notices: 'Avisos y aprobaciones',
    timeline: 'Cronología',
  },
  approvalEmail: {
    subject: (p) =>
      `[Aprobación requerida${p.escalated ? ', escalada' : ''}] ${p.update === null ? 'Primer aviso a clientes' : `Actualización ${p.update} para clientes`} del incidente ${p.incidentId}`,
    summary: (p) =>
      `Incidente ${p.incidentId}: ${p.title}. Gravedad ${p.severity}; ${one(p.customers) ? '1 cliente afectado' : `${p.customers} clientes afectados`}; detectado por primera vez el ${p.firstSeenAt}.`,
    reviewHtml: (p) => `Revise el aviso que figura a continuación y después abra su enlace personal para aprobarlo o rechazarlo (plazo: ${p.by}):`,
    reviewText: (p) => `Revise el aviso que figura a continuación y decida en su enlace personal (plazo: ${p.by}):`,
    codeInEmailHtml: (p) => `En la página, escriba este código de confirmación: ${p.code}`,
    codeInEmailText: (p) => `Código de confirmación que debe escribir en la página: ${p.code}`,
    codeBySmsHtml: 'En la página, escriba el código de confirmación que le enviaremos por SMS a su teléfono.',
    codeBySmsText: 'Escriba el código de confirmación que le enviaremos por SMS a su teléfono.',
    linkChangesNothing: 'Abrir el enlace no cambia nada; la decisión se toma en la página, con el código.',
    doNotForward: 'El enlace y el código son solo para usted: no los reenvíe.',
    sms: (p) => `Código de aprobación de breach-notice para el incidente ${p.incidentId}: ${p.code}. No lo comparta con nadie.`,
  },
  approvalPage: {
    'link-invalid': () => 'El enlace está incompleto o se ha modificado. Vuelva a abrirlo desde su correo.',
    'request-gone': () => 'La solicitud de aprobación de este enlace ya no existe.',
    locked: () => 'Se han escrito demasiados códigos incorrectos: este enlace está bloqueado y se ha avisado al equipo de respuesta.',
    'stale-form': () => 'El formulario ha caducado o no procede de esta página. Vuelva a cargar la página y decida de nuevo.',
    'wrong-code': (p) =>
      `Ese no es el código de su correo. ${one(p.left) ? 'Le queda 1 intento' : `Le quedan ${p.left} intentos`} antes de que este enlace se bloquee.`,
    'you-already-approved': (p) => `Ya aprobó este aviso; por ahora hay ${p.count} de ${p.quorum} aprobaciones.`,
    'already-approved': (p) => `Este aviso ya lo aprobó ${p.by} el ${p.at}.`,
    'already-rejected': (p) => `Este aviso ya lo rechazó ${p.by} el ${p.at}.`,
    superseded: () => 'Este enlace se ha sustituido: la solicitud se escaló a otros aprobadores.',
    expired: (p) => `Este enlace caducó el ${p.at}.`,
    'choose-decision': () => 'Elija aprobar o rechazar.',
    'reason-needed': () => 'Para rechazar hay que indicar un motivo.',
    'code-needed': (p) => `Escriba el código de ${p.digits} cifras de su correo.`,
    'title-bad-request': () => 'El formulario no estaba completo',
    'title-unknown-link': () => 'Este enlace de aprobación no es válido',
    'title-already-decided': () => 'Ya se ha tomado una decisión sobre este aviso',
    'title-expired': () => 'Este enlace de aprobación ha caducado',
    'title-superseded': () => 'Este enlace de aprobación ya no está activo',
    'title-wrong-code': () => 'El código de confirmación no es correcto',
    'title-locked': () => 'Este enlace de aprobación está bloqueado',
    'title-stale-form': () => 'Vuelva a cargar la página',
    'nothing-changed': () => 'No se ha cambiado nada.',
    'title-approve': () => 'Aprobar el aviso a los clientes',
    'title-decided': () => 'Decisión registrada',
    'deciding-as': (p) => `Decide como <strong>${p.approver}</strong>. Plazo para decidir: ${p.by}.`,
    quorum: (p) => `Aprobaciones necesarias: ${p.quorum}.`,
    'approved-so-far': (p) => `Aprobado hasta ahora por: ${p.names}.`,
    'nobody-yet': () => 'Nadie ha decidido todavía.',
    incident: (p) => `Incidente ${p.id}`,
    what: () => 'Qué',
    when: (p) => `detectado por primera vez el ${p.at}`,
    'when-label': () => 'Cuándo',
    customers: () => 'Clientes afectados',
    data: () => 'Datos',
    severity: () => 'Gravedad',
    'notice-heading': () => 'El aviso, tal como lo verán los clientes',
    'code-label': () => 'Código de confirmación de su correo',
    'reason-label': () => 'Motivo (obligatorio para rechazar)',
    approve: () => 'Aprobar y enviar',
    reject: () => 'Rechazar',
    'decided-rejected': () => 'El aviso se ha rechazado; el equipo de respuesta ya tiene su motivo.',
    'decided-counted': (p) =>
      `Su aprobación se ha registrado: ${p.count} de ${p.quorum}. El aviso se enviará cuando ${one(p.quorum) ? 'lo haya aprobado 1 aprobador' : `lo hayan aprobado ${p.quorum} aprobadores`}.`,
    'decided-approved': () => 'El aviso se ha aprobado y se está enviando a los clientes.',
    'recorded-for': (p) => `Registrado para ${p.approver} el ${p.at}.`,
    'callback-pending': () =>
      'Su decisión se ha registrado, pero aún no se ha podido comunicar al flujo de trabajo. Se reintentará automáticamente en menos de un minuto; si vuelve a enviarla, se reintenta ahora.',
    'callback-lost': () => 'La decisión se ha registrado, pero el flujo de trabajo ya no la espera. Se ha avisado al equipo de respuesta.',
    'redelivered-approved': (p) => `${p.by} aprobó este aviso el ${p.at}. Esa decisión ya ha llegado al flujo de trabajo.`,
    'redelivered-rejected': (p) => `${p.by} rechazó este aviso el ${p.at}. Esa decisión ya ha llegado al flujo de trabajo.`,
  },
};
