import type { AlarmSource } from '../incident.js';
import { utcLabel, zonedFormat } from '../local-time.js';
import { sentenceEnder, type DraftingTexts, type LocaleCatalogue } from './catalogue.js';

const monitoring = 'nuestro sistema de supervisión de seguridad detectó';
// Each phrase carries its own object clause: "sistemas" (plural) and "ubicación" (singular) agree differently.
const happened: Record<AlarmSource, (when: string) => string> = {
  guardduty: (when) => `El ${when}, ${monitoring} actividad no autorizada en sistemas que contienen información de clientes.`,
  securityhub: (when) =>
    `El ${when}, ${monitoring} que se estaba aprovechando una vulnerabilidad de seguridad en sistemas que contienen información de clientes.`,
  macie: (when) => `El ${when}, ${monitoring} que información de clientes había quedado expuesta en una de nuestras ubicaciones de almacenamiento.`,
  cloudwatch: (when) => `El ${when}, ${monitoring} actividad anómala en sistemas que contienen información de clientes.`,
  manual: (when) =>
    // A manual report's time is when it reached us, not when the incident began.
    `El ${when} tuvimos conocimiento de un incidente de seguridad en sistemas que contienen información de clientes; se nos ha comunicado y lo estamos investigando.`,
};

const date = zonedFormat('es-ES', { dateStyle: 'long' });
const time = zonedFormat('es-ES', { hour: 'numeric', minute: '2-digit' });
const day = zonedFormat('es-ES', { day: 'numeric', month: 'long' });
const list = new Intl.ListFormat('es', { type: 'conjunction' });
const number = new Intl.NumberFormat('es-ES');
const endSentence = sentenceEnder('.', '.!?…');
const longDate = zonedFormat('es-ES', { dateStyle: 'long' });
const percent = new Intl.NumberFormat('es-ES', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const rate = (r: number | null) => (r === null ? 'sin datos' : percent.format(r));
const clients = (n: number) => `${number.format(n)} ${n === 1 ? 'cliente' : 'clientes'}`;
// Spanish says "a la 1:05" but "a las 2:05": the article agrees with the hour.
const at = (clock: string) => (clock.startsWith('1:') ? 'a la' : 'a las');
const one = (n: string | number) => Number(n) === 1;
const involved = (n: number) => (one(n) ? 'Ha afectado a la información de un cliente.' : `Ha afectado a la información de ${number.format(n)} clientes.`);

export const es: LocaleCatalogue = {
  language: 'es',
  formatTime: (iso, zone) => {
    const clock = time(iso, zone);
    return `${date(iso, zone)} ${at(clock)} ${clock} (${utcLabel(iso, zone)})`;
  },
  formatDay: day,
  formatNumber: (n) => number.format(n),
  formatMoney: (amount, currency) =>
    new Intl.NumberFormat('es-ES', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 5 }).format(amount),
  // Intl writes "y" as "e" before an /i/ sound ("nombre e historial"), as Spanish requires.
  formatList: (items) => list.format(items),
  endSentence,
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
    changePasswordAfterReset:
      'La próxima vez que inicie sesión, elija una contraseña nueva que no use en ningún otro sitio, y cambie la anterior allí donde la haya usado.',
    twoFactor: 'Active la verificación en dos pasos en la configuración de su cuenta.',
    checkTransactions: 'Revise sus transacciones recientes y avísenos de inmediato de cualquiera que no reconozca.',
    cardIssuer: 'Si le preocupa su tarjeta de pago, pida al banco que la emitió que la bloquee y le envíe una nueva.',
    revokeApiKeys: 'Revoque sus claves de API y genere otras nuevas.',
    createApiKeys: 'Cree claves de API nuevas en la configuración de su cuenta y úselas allí donde usaba las anteriores.',
    phishing:
      'Nunca le enviaremos enlaces por SMS ni le pediremos contraseñas o códigos: trate como un fraude cualquier mensaje sobre este incidente que lo haga.',
    phishingWithLink: 'Nunca le pediremos contraseñas o códigos: trate como un fraude cualquier correo, llamada o mensaje sobre este incidente que lo haga.',
  },
  notice: {
    firstSubject: (p) => `Importante: un incidente de seguridad en ${p.company} ha afectado a su información`,
    updateSubject: (p) => `Actualización ${p.update} sobre el incidente de seguridad en ${p.company}`,
    closingSubject: (p) => `Se ha cerrado el incidente de seguridad en ${p.company}`,
    greeting: (p) => `Estimado/a ${p.customerName}:`,
    firstHeadline: (p) => `Le escribimos para informarle de un incidente de seguridad en ${p.company} que ha afectado a parte de su información.`,
    updateHeadline: (p) => `Esta es la actualización ${p.update} sobre el incidente de seguridad en ${p.company} del que le informamos.`,
    closingHeadline: (p) => `El incidente de seguridad en ${p.company} del que le informamos se ha cerrado. Este es nuestro último mensaje sobre él.`,
    firstApology:
      'Lamentamos mucho lo ocurrido. Usted nos confió su información: nos corresponde responder a este incidente, y le mantendremos al tanto hasta que se resuelva.',
    updateApology: 'Le pedimos disculpas de nuevo por este incidente y por las molestias que le está causando.',
    closingApology: 'Le pedimos disculpas de nuevo por este incidente y por las molestias que le ha causado.',
    whatHappened: (p) =>
      `${happened[p.source](p.when)} ${one(p.customers) ? 'Usted es la única persona afectada.' : `Ha afectado a la información de ${number.format(p.customers)} clientes, entre ellos usted.`}`,
    yourData: (p) => endSentence(`En su caso, los datos afectados son: ${p.affectedData}`),
    causeUnknown: 'Todavía no conocemos la causa. La estamos investigando e informaremos de lo que averigüemos.',
    investigating: 'Nuestro equipo de respuesta a incidentes de seguridad está investigando el incidente.',
    investigated: 'Nuestro equipo de respuesta a incidentes de seguridad investigó el incidente y lo ha cerrado.',
    newMeasure: (p) => endSentence(`Nueva medida: ${p.text}`),
    newAdvice: (p) => endSentence(`Nueva recomendación: ${p.text}`),
    newRemedy: (p) => endSentence(`Nueva oferta: ${p.text}`),
    causeFound: (p) => `Ya conocemos la causa. ${endSentence(p.cause)}`,
    causeRevised: (p) => `Hemos corregido lo que dijimos sobre la causa. ${endSentence(p.cause)}`,
    causeWithdrawn: 'Estamos volviendo a comprobar la causa indicada en nuestro último mensaje e informaremos del resultado.',
    accountUpdated: 'Sabemos más sobre lo ocurrido: véase el apartado «Qué ha ocurrido».',
    nothingChanged: 'No hay cambios desde nuestro último mensaje. La investigación continúa e informaremos de lo que averigüemos.',
    contactEmail: (p) => `Correo electrónico: ${p.email}`,
    contactOther: (p) => `Contacto: ${p.contact}`,
    hotline: (p) => `Teléfono: ${p.phone}`,
    incidentPage: (p) => `Novedades y respuestas a las preguntas frecuentes: ${p.url}`,
    questionForm: (p) => `Envíenos su pregunta: ${p.url}`,
    nextUpdate: (p) => `Le enviaremos la próxima actualización a más tardar el ${p.when}, o antes si sabemos algo importante.`,
    closingThanks: 'Gracias por su paciencia mientras resolvíamos este incidente y por su confianza.',
    signature: (p) => `El equipo de seguridad de ${p.company}`,
    footer: (p) =>
      `Recibe este correo porque parte de su información se ha visto afectada por este incidente. Es un aviso de seguridad, no publicidad, por lo que se lo enviamos aunque haya pedido no recibir correos comerciales. Referencia: ${p.incidentId}.`,
  },
  noticeEmail: {
    changes: 'Qué ha cambiado desde nuestro último mensaje',
    happened: 'Qué ha ocurrido',
    consequences: 'Para qué podría usarse esta información',
    cause: 'Por qué ha ocurrido',
    done: 'Qué hemos hecho',
    todo: 'Qué debe hacer',
    remedies: 'Qué hacemos por usted',
    contact: 'Cómo contactar con nosotros',
  },
  // Written without á, í, ó and ú, which GSM-7 lacks: one of them would make the SMS UCS-2 and halve what fits.
  // No link unless the company set its own: after a breach, people are told not to tap links in texts.
  sms: {
    first: (p) =>
      p.link
        ? [
            `${p.company}: lo sentimos, un incidente de seguridad del ${p.day} ha afectado a sus datos. Detalles: ${p.link} Nunca pedimos claves.`,
            `${p.company}: un incidente de seguridad ha afectado a sus datos. Detalles: ${p.link}`,
          ]
        : [
            `${p.company}: lo sentimos, un incidente de seguridad del ${p.day} ha afectado a sus datos. Le hemos enviado los detalles por correo. Nunca enviamos enlaces por SMS ni pedimos claves.`,
            `${p.company}: un incidente de seguridad del ${p.day} ha afectado a sus datos. Detalles en nuestro correo. Nunca enviamos enlaces por SMS ni pedimos claves.`,
            `${p.company}: un incidente de seguridad ha afectado a sus datos. Detalles en nuestro correo. Nunca enviamos enlaces por SMS ni pedimos claves.`,
            `${p.company}: incidente de seguridad con sus datos. Detalles por correo. Nunca enviamos enlaces por SMS ni pedimos claves.`,
          ],
    update: (p) =>
      p.link
        ? [
            `${p.company}: novedades sobre el incidente de seguridad del ${p.day}. Detalles: ${p.link} Nunca pedimos claves.`,
            `${p.company}: novedades sobre el incidente de seguridad: ${p.link}`,
          ]
        : [
            `${p.company}: novedades sobre el incidente de seguridad del ${p.day}. Le hemos enviado los cambios por correo. Nunca enviamos enlaces por SMS ni pedimos claves.`,
            `${p.company}: novedades sobre el incidente de seguridad del ${p.day} en nuestro correo. Nunca enviamos enlaces por SMS ni pedimos claves.`,
            `${p.company}: novedades sobre el incidente de seguridad en nuestro correo. Nunca enviamos enlaces por SMS ni pedimos claves.`,
            `${p.company}: novedades del incidente por correo. Nunca enviamos enlaces por SMS ni pedimos claves.`,
          ],
    closing: (p) =>
      p.link
        ? [
            `${p.company}: el incidente de seguridad del ${p.day} se ha cerrado. Gracias por su paciencia. Resumen: ${p.link} Nunca pedimos claves.`,
            `${p.company}: incidente de seguridad cerrado: ${p.link}`,
          ]
        : [
            `${p.company}: el incidente de seguridad del ${p.day} se ha cerrado. Gracias por su paciencia. Resumen en nuestro correo. Nunca enviamos enlaces por SMS ni pedimos claves.`,
            `${p.company}: el incidente de seguridad se ha cerrado. Resumen en nuestro correo. Nunca enviamos enlaces por SMS ni pedimos claves.`,
            `${p.company}: incidente cerrado, resumen por correo. Nunca enviamos enlaces por SMS ni pedimos claves.`,
          ],
  },
  remedies: {
    offers: {
      'credit-monitoring':
        'Le ofrecemos un servicio gratuito de vigilancia de crédito durante 12 meses, que le avisa si alguien intenta solicitar un crédito a su nombre.',
      'card-replacement': 'Hemos cancelado la tarjeta de pago cuyos datos se vieron afectados y le enviamos una nueva sin coste; no tiene que hacer nada.',
      reimbursement:
        'Le reembolsaremos el dinero o los activos digitales retirados de su cuenta sin su autorización a raíz de este incidente, una vez comprobada cada reclamación.',
      'password-reset': 'Hemos restablecido su contraseña: la próxima vez que inicie sesión se le pedirá que elija una nueva.',
      'api-key-replacement': 'Hemos desactivado las claves de API afectadas, que ya no funcionan; puede crear otras nuevas en la configuración de su cuenta.',
    },
    terms: (p) => `Condiciones de esta oferta: ${p.url}`,
    formatDeadline: longDate,
    claimUrl: (p) =>
      p.deadline ? `Para acogerse a esta oferta, visite ${p.url} a más tardar el ${p.deadline}.` : `Para acogerse a esta oferta, visite: ${p.url}`,
    claimContact: (p) =>
      p.deadline
        ? `Para acogerse a esta oferta, póngase en contacto con ${p.contact} a más tardar el ${p.deadline}.`
        : `Para acogerse a esta oferta, póngase en contacto con: ${p.contact}`,
    claimUs: (p) =>
      p.deadline
        ? `Para acogerse a esta oferta, póngase en contacto con nosotros a más tardar el ${p.deadline} por los medios indicados más abajo.`
        : 'Para acogerse a esta oferta, póngase en contacto con nosotros por los medios indicados más abajo.',
    // GSM-7 only (no accents), like the SMS it is added to.
    sms: 'En el correo le explicamos lo que le ofrecemos.',
    previewHeading: 'Ofertas de reparación por regla y a cuántos clientes llegan',
    previewLine: (p) => `${endSentence(p.offer)} Se ofrece a ${clients(p.customers)} cuyos datos afectados incluyen: ${p.categories}.`,
  },
  preview: {
    customerName: '[nombre del cliente]',
    affectedData: '[sus datos afectados]',
    localTimes: 'Horas locales que leen los clientes, un ejemplo por zona horaria',
    zoneTimes: (p) => `${p.zone}: ${p.firstSeen}`,
    zoneTimesWithNext: (p) => `${p.zone}: ${p.firstSeen}; próxima actualización a más tardar el ${p.nextUpdate}`,
    moreZones: (p) => (one(p.count) ? 'y 1 zona horaria más' : `y ${number.format(p.count)} zonas horarias más`),
    sms: 'SMS, tal como lo reciben los clientes',
    smsSize: (p) =>
      `${p.encoding}, ${number.format(p.characters)} caracteres: ${one(p.segments) ? '1 segmento' : `${p.segments} segmentos`} (un solo segmento admite ${p.limit}), contados en la copia más larga que recibe un cliente.`,
    smsCost: (p) =>
      `Coste estimado: ${number.format(p.recipients)} ${one(p.recipients) ? 'destinatario' : 'destinatarios'} × ${one(p.segments) ? '1 segmento' : `${p.segments} segmentos`} × ${p.perSegment} = ${p.total}. Los precios varían según el país de destino.`,
    smsCostUnpriced: (p) =>
      `${number.format(p.recipients)} ${one(p.recipients) ? 'destinatario' : 'destinatarios'} × ${one(p.segments) ? '1 segmento' : `${p.segments} segmentos`}; no hay ningún precio configurado para estimar el coste.`,
    noSms: 'Ningún cliente de este grupo recibe SMS.',
  },
  review: {
    version: (p) =>
      p.factsVersion === 0
        ? `Versión ${p.version} del borrador; el equipo de respuesta aún no ha aportado información.`
        : `Versión ${p.version} del borrador, redactada a partir de la versión ${p.factsVersion} de la información del equipo de respuesta.`,
    gaps: 'Los idiomas no recogen la misma información:',
    nothingApprovedYet: 'No se ha aprobado ningún aviso anterior de este incidente, así que no hay nada con qué compararlo.',
    noChanges: 'Sin cambios.',
    changesSinceVersion: (p) => `Cambios desde la versión ${p.version} de este borrador`,
    changesSinceApproved: (p) => `Cambios desde el último aviso aprobado (${p.noticeId})`,
    notes: 'Notas internas del equipo desde el último aviso aprobado (los clientes no las ven)',
  },
  finalReport: {
    subject: (p) => `Informe final: incidente ${p.incidentId} (${p.title})`,
    intro: (p) => `El incidente ${p.incidentId} está cerrado. Este es el informe final de la comunicación con los clientes.`,
    counts: 'Cifras de entrega',
    notices: 'Avisos y aprobaciones',
    timeline: 'Cronología',
    deliveryLine: (p) =>
      `${p.noticeId} ${p.channel}: enviados ${p.sent}, suprimidos ${p.suppressed}, fallidos ${p.failed}, inciertos ${p.uncertain}, sin terminar ${p.unfinished} (previstos ${p.intended})`,
    uncertainLine: (p) =>
      `${p.noticeId} ${p.channel}: por conciliar con los registros del proveedor (inciertos): ${p.ids}${p.more > 0 ? ` y ${p.more} más (npm run incident -- deliveries ${p.incidentId} ${p.noticeId} --csv ARCHIVO)` : ''}`,
    unreachableLine: (p) =>
      `${p.noticeId}: ${p.count} clientes a los que no llegó ningún canal, para llamarles o escribirles (la página pública del incidente es el último recurso): ${p.ids}${p.more > 0 ? ` y ${p.more} más (npm run incident -- deliveries ${p.incidentId})` : ''}`,
    evidenceLine: (p) =>
      `${p.noticeId} ${p.channel}, constancia de entrega: aceptados ${number.format(p.accepted)}, entregados ${number.format(p.delivered)}, rebotados ${number.format(p.bounced)} (tasa de rebote ${rate(p.bounceRate)}), quejas ${number.format(p.complained)} (tasa de quejas ${rate(p.complaintRate)}), rebotes temporales ${number.format(p.transientBounces)}, retrasados ${number.format(p.delayed)}, rechazados ${number.format(p.rejected)}, sin poder generarse ${number.format(p.renderingFailures)}${p.resumed ? `; se siguió enviando pese a sus tasas por decisión de ${p.resumed.by} el ${p.resumed.at}` : ''}`,
    unreconciled: (p) => `${p.noticeId}: LAS CIFRAS DE ENTREGA NO CUADRAN; revise el registro de entregas antes de fiarse de ellas: ${p.problems}`,
    remedies: 'Ofertas de reparación por regla',
    remedyLine: (p) => `${p.ruleId}: ofrecida a ${clients(p.customers)}`,
    noRemedies: 'Ninguna regla de reparación se aplicó a los avisos enviados.',
    regulators: 'Plazos ante los reguladores (ayuda, no asesoramiento jurídico)',
    regulatorLine: (p) =>
      `${p.obligationId} (${p.law}): ${
        {
          met: 'CUMPLIDO',
          missed: 'INCUMPLIDO',
          open: 'ABIERTO, aún sin presentar',
          'not-applicable': `no aplicable: ${p.reason}`,
          waiting: 'plazo sin iniciar',
          'no-fixed-deadline': p.filedAt ? 'presentado (sin plazo fijo)' : 'sin presentar (sin plazo fijo)',
        }[p.outcome]
      }; plazo ${p.deadline ?? 'ninguno'}; presentado ${p.filedAt ? `${p.filedAt}, ref. ${p.ref}` : 'no'}`,
    noRegulators: 'No se encontró ninguna obligación ante reguladores aplicable.',
    promises: 'Actualizaciones prometidas («próxima actualización antes de»)',
    promiseLine: (p) =>
      `${p.noticeId} prometió la próxima actualización antes de ${p.promisedBy}: ${
        p.outcome === 'kept'
          ? `CUMPLIDA, ${p.next} enviado el ${p.sentAt}`
          : p.outcome === 'missed'
            ? p.next
              ? `INCUMPLIDA, ${p.next} enviado el ${p.sentAt} (${p.lateMinutes} min de retraso)`
              : 'INCUMPLIDA, no se ha enviado ningún aviso desde entonces'
            : 'pendiente, aún no ha vencido'
      }`,
    noPromises: 'Ningún aviso prometió una actualización.',
    scope: 'A quién afectó: decisiones de alcance',
    scopeLine: (p) => `Decisión ${p.version} de ${p.by} el ${p.at}: ${p.summary}. Motivo: ${p.reason}`,
    scopeFromAlarm: 'Sin decisión: los clientes con datos en los recursos de la alarma.',
    closedBecause: (p) => `Cerrado por ${p.by}: ${p.reason}`,
    questions: 'Preguntas de los clientes',
    questionsLine: (p) =>
      `${p.received} recibidas, ${p.answered} respondidas (${p.emailed} respuestas enviadas por correo a quienes preguntaron); preguntas frecuentes: ${p.faqPublished} publicadas, ${p.faqPending} pendientes de aprobación, ${p.faqRejected} rechazadas`,
    drill: 'Simulacro: tiempo de cada paso frente a los objetivos del protocolo (minutos desde la alarma)',
    drillStep: {
      opened: 'incidente abierto',
      paged: 'equipo avisado',
      drafted: 'primer aviso redactado',
      approvalRequested: 'aprobación solicitada',
      approved: 'primer aviso aprobado',
      sent: 'primer aviso enviado a todos',
      closed: 'cerrado',
      finalReport: 'informe final',
    },
    drillLine: (p) =>
      `${p.step}: ${p.at ?? 'todavía no'}${p.stepMinutes === null ? '' : `, paso ${p.stepMinutes} min, ${p.sinceAlarmMinutes} min desde la alarma`}${p.targetMinutes === null ? '' : `; objetivo ${p.targetMinutes} min`}: ${p.verdict}`,
    drillSummary: (p) => `Objetivos cumplidos: ${p.met}; incumplidos: ${p.missed}.`,
  },
  drill: {
    marker: '[SIMULACRO]',
    sentence: 'Esto es un simulacro: no ha ocurrido ningún incidente y no es necesario hacer nada.',
  },
  approvalEmail: {
    subject: (p) =>
      `[Aprobación requerida${p.escalated ? ', escalada' : ''}] ${p.closing ? 'Aviso de cierre a clientes' : p.update === null ? 'Primer aviso a clientes' : `Actualización ${p.update} para clientes`} del incidente ${p.incidentId}`,
    summary: (p) =>
      `Incidente ${p.incidentId}: ${endSentence(p.title)} Gravedad ${p.severity}; ${one(p.customers) ? '1 cliente afectado' : `${p.customers} clientes afectados`}; detectado por primera vez el ${p.firstSeenAt}.`,
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
    edited: () => 'El aviso se modificó después de enviar esta solicitud. La nueva versión necesita su propia aprobación: recibirá un enlace nuevo.',
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
    'returned-approved': (p) => `${p.by} aprobó este aviso el ${p.at}. Esa decisión ya ha llegado al flujo de trabajo.`,
    'returned-rejected': (p) => `${p.by} rechazó este aviso el ${p.at}. Esa decisión ya ha llegado al flujo de trabajo.`,
  },
  answer: {
    subject: (id) => `Nuestra respuesta a su pregunta sobre el incidente ${id}`,
    intro: (id) => `Nos hizo una pregunta sobre el incidente ${id}. Esta es nuestra respuesta.`,
    noReply: 'No responda a este correo. Usamos su dirección solo para enviarle esta respuesta y ya la hemos borrado.',
    confirmSubject: (id) => `Confirme su dirección de correo para recibir nuestra respuesta (incidente ${id})`,
    confirmBody: (id) =>
      `Alguien nos hizo una pregunta sobre el incidente ${id} en nuestra página del incidente y dejó esta dirección para la respuesta. Solo enviamos la respuesta cuando la dirección está confirmada.`,
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
  incidentPage: {
    title: (p) => `${p.company}: incidente de seguridad`,
    headline: (p) => `${p.company} informa a sus clientes y al público de un incidente de seguridad que ha afectado a información de clientes.`,
    apology: 'Lamentamos mucho lo ocurrido y mantendremos informados a los clientes afectados hasta que se resuelva.',
    consequences: 'Para qué podría usarse esta información',
    closedUpdate: 'El incidente se ha cerrado.',
    statement: 'Nuestro comunicado',
    updates: 'Novedades',
    update: (p) => `Actualización ${p.n} (${p.date})`,
    closed: 'Este incidente está cerrado.',
    whatToDo: 'Qué deben hacer los clientes',
    remedies: 'Qué ofrecemos a los clientes',
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
  questionForm: {
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

/**
 * What only drafting and the incident page say (consequences, the public's wording, confirmed
 * actions): kept apart from the catalogue so the functions that only send carry none of it.
 */
export const esDrafting: DraftingTexts = {
  consequences: {
    name: 'Un nombre puede servir para que un correo, una llamada o una carta fraudulentos parezcan auténticos.',
    email: 'Una dirección de correo electrónico puede recibir correos fraudulentos que aparenten venir de nosotros o de otros.',
    phone: 'Un número de teléfono puede recibir llamadas y SMS fraudulentos, o ser objeto de un intento de apropiarse de él.',
    address: 'Una dirección postal puede recibir cartas fraudulentas o servir para que otros fraudes parezcan auténticos.',
    date_of_birth: 'Una fecha de nacimiento, junto con otros datos, puede ayudar a superar controles de identidad haciéndose pasar por otra persona.',
    password: 'Una contraseña almacenada en forma de hash a veces puede descifrarse y probarse después en otros servicios donde se use la misma.',
    government_id: 'Un número de documento de identidad puede servir para abrir cuentas o pedir créditos en nombre de otra persona.',
    payment_card: 'Los datos de una tarjeta de pago pueden usarse para compras que el titular no ha hecho.',
    bank_account: 'Los datos de una cuenta bancaria pueden usarse para cargos que el titular no ha autorizado o en fraudes que aparentan venir del banco.',
    transaction_history: 'Un historial de transacciones revela hábitos de gasto y puede hacer más creíbles los mensajes fraudulentos.',
    crypto_assets: 'Saber quién tiene activos digitales puede convertirlo en objetivo de intentos de robo y de fraudes.',
    api_keys: 'Las claves de API dan acceso a una cuenta y a sus datos hasta que se desactivan.',
  },
  publicAdvice: {
    changePassword: 'Los clientes cuya contraseña se ha visto afectada deben cambiarla ahora, y también en cualquier otro sitio donde usen la misma.',
    changePasswordAfterReset:
      'Los clientes cuya contraseña hemos restablecido eligen una nueva al iniciar sesión y deben cambiar la anterior allí donde la hayan usado.',
    twoFactor: 'Los clientes deben activar la verificación en dos pasos en la configuración de la cuenta.',
    checkTransactions: 'Los clientes deben revisar las transacciones recientes y avisarnos de inmediato de cualquiera que no reconozcan.',
    cardIssuer: 'Los clientes cuyos datos de tarjeta se han visto afectados pueden pedir al banco emisor que bloquee la tarjeta y envíe una nueva.',
    revokeApiKeys: 'Los clientes cuyas claves de API se han visto afectadas deben revocarlas y generar otras nuevas.',
    createApiKeys: 'Las claves de API afectadas ya no funcionan: sus titulares pueden crear otras nuevas en la configuración de la cuenta.',
    phishing: 'Nunca enviamos enlaces por SMS ni pedimos contraseñas o códigos: cualquier mensaje sobre este incidente que lo haga es un fraude.',
    phishingWithLink: 'Nunca pedimos contraseñas o códigos: cualquier correo, llamada o mensaje sobre este incidente que lo haga es un fraude.',
  },
  publicHappened: (p) => `${happened[p.source](p.when)} ${involved(p.customers)}`,
  confirmedAction: {
    'passwords-reset': 'Hemos restablecido las contraseñas afectadas: se elige una nueva al iniciar sesión.',
    'api-keys-disabled': 'Hemos desactivado las claves de API afectadas: ya no funcionan.',
    'cards-replaced': 'Hemos cancelado las tarjetas de pago afectadas y enviamos otras nuevas sin coste.',
  },
  publicOffers: {
    'credit-monitoring': 'vigilancia de crédito gratuita durante 12 meses, que avisa si alguien intenta solicitar un crédito en nombre del cliente',
    'card-replacement': 'hemos cancelado las tarjetas afectadas y enviamos otras nuevas sin coste',
    reimbursement:
      'reembolsamos el dinero o los activos digitales retirados de la cuenta sin autorización del titular a raíz de este incidente, una vez comprobada cada reclamación',
    'password-reset': 'hemos restablecido las contraseñas; se elige una nueva al iniciar sesión',
    'api-key-replacement': 'hemos desactivado las claves de API afectadas; pueden crearse otras nuevas en la configuración de la cuenta',
  },
  publicOffer: (p) => `Clientes cuyos datos afectados incluyen ${p.categories}: ${p.offer}`,
};
