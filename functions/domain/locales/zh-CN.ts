import type { AlarmSource } from '../incident.js';
import { isBeijingTime, zonedFormat, zoneName } from '../local-time.js';
import { sentenceEnder, type DraftingTexts, type LocaleCatalogue } from './catalogue.js';

const happened: Record<AlarmSource, (when: string) => string> = {
  guardduty: (when) => `${when}，我们的安全监控系统发现，存有客户信息的系统上出现了未经授权的活动。`,
  securityhub: (when) => `${when}，我们的安全监控系统发现，存有客户信息的系统中有一处安全漏洞正在被利用。`,
  macie: (when) => `${when}，我们的安全监控系统发现，我们的一处存储位置中的客户信息处于暴露状态。`,
  cloudwatch: (when) => `${when}，我们的安全监控系统发现，存有客户信息的系统上出现了异常活动。`,
  // A manual report's time is when it reached us, not when the incident began.
  manual: (when) => `${when}，我们获知存有客户信息的系统发生了一起安全事件；该事件由他人报告给我们，我们正在调查。`,
};

const dateTime = zonedFormat('zh-CN', { dateStyle: 'long', timeStyle: 'short' });
const day = zonedFormat('zh-CN', { month: 'long', day: 'numeric' });
const number = new Intl.NumberFormat('zh-CN');
const percent = new Intl.NumberFormat('zh-CN', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const rate = (r: number | null) => (r === null ? '暂无' : percent.format(r));
const endSentence = sentenceEnder('。', '。！？!?.…');
const longDate = zonedFormat('zh-CN', { dateStyle: 'long' });
const involved = (n: number) => (n === 1 ? '此次事件涉及 1 位客户的信息。' : `此次事件共涉及 ${number.format(n)} 位客户的信息。`);

export const zhCN: LocaleCatalogue = {
  language: 'zh',
  // China's time is 北京时间 to its readers; elsewhere the zone's Chinese name, or its offset.
  formatTime: (iso, zone) => `${dateTime(iso, zone)}（${isBeijingTime(zone) ? '北京时间' : zoneName(iso, zone, 'zh-CN')}）`,
  formatDay: day,
  formatNumber: (n) => number.format(n),
  formatMoney: (amount, currency) =>
    new Intl.NumberFormat('zh-CN', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 5 }).format(amount),
  formatList: (items) => items.join('、'),
  endSentence,
  dataCategories: {
    name: '姓名',
    email: '电子邮件地址',
    phone: '电话号码',
    address: '通信地址',
    date_of_birth: '出生日期',
    password: '密码（以哈希形式存储）',
    government_id: '身份证件号码',
    payment_card: '银行卡信息',
    bank_account: '银行账户信息',
    transaction_history: '交易记录',
    // No 您 here: the sentences around a list already say whose data it is.
    crypto_assets: '在我们平台上持有的数字资产',
    api_keys: 'API 密钥',
  },
  advice: {
    changePassword: '请立即修改密码；如在其他账户使用了相同密码，也请一并修改。',
    changePasswordAfterReset: '请在下次登录时设置一个未在其他地方使用过的新密码；如在其他账户使用过原密码，也请一并修改。',
    twoFactor: '请在账户设置中开启双重验证。',
    checkTransactions: '请检查近期交易记录，如发现任何不明交易，请立即告知我们。',
    cardIssuer: '如担心银行卡被盗用，可联系发卡银行挂失并补办新卡。',
    revokeApiKeys: '请撤销您的 API 密钥，并重新生成新的密钥。',
    createApiKeys: '请在账户设置中创建新的 API 密钥，并在原先使用旧密钥的地方换用新密钥。',
    phishing: '我们绝不会通过短信向您发送链接，也绝不会向您索要密码或验证码；凡是提及此事件并这样做的信息，均为诈骗。',
    phishingWithLink: '我们绝不会向您索要密码或验证码；凡是提及此事件并索要这些信息的邮件、电话或短信，均为诈骗。',
  },
  notice: {
    firstSubject: (p) => `重要通知：${p.company} 发生安全事件，涉及您的个人信息`,
    updateSubject: (p) => `${p.company} 安全事件进展通报（第 ${p.update} 次）`,
    closingSubject: (p) => `${p.company} 安全事件处置完毕`,
    greeting: (p) => `尊敬的${p.customerName}：`,
    firstHeadline: (p) => `${p.company} 发生了一起安全事件，涉及您的部分个人信息，现将有关情况告知如下。`,
    updateHeadline: (p) => `现就此前告知您的 ${p.company} 安全事件，向您通报第 ${p.update} 次进展。`,
    closingHeadline: (p) => `此前告知您的 ${p.company} 安全事件现已处置完毕。这是关于此事件的最后一次通知。`,
    firstApology: '发生此次事件，我们深感抱歉。您将个人信息托付给我们，我们会认真做好事件处置，并持续向您通报，直至事件处置完毕。',
    updateApology: '此次事件给您带来困扰，我们再次深表歉意。',
    closingApology: '此次事件给您带来困扰，我们再次深表歉意。',
    whatHappened: (p) =>
      `${happened[p.source](p.when)}${p.customers === 1 ? '此次事件仅涉及您一位客户的信息。' : `此次事件共涉及 ${number.format(p.customers)} 位客户的信息，其中包括您的信息。`}`,
    yourData: (p) => endSentence(`此次事件涉及您的以下信息：${p.affectedData}`),
    causeUnknown: '事件原因尚未查明。我们正在调查，查明后将及时通报。',
    investigating: '我们的安全响应团队正在调查此次事件。',
    investigated: '我们的安全响应团队已完成对此次事件的调查，并已结案。',
    newMeasure: (p) => endSentence(`新增措施：${p.text}`),
    newAdvice: (p) => endSentence(`新增建议：${p.text}`),
    newRemedy: (p) => endSentence(`新增帮助：${p.text}`),
    causeFound: (p) => `事件原因现已查明。${endSentence(p.cause)}`,
    causeRevised: (p) => `我们更正了此前关于事件原因的说明。${endSentence(p.cause)}`,
    causeWithdrawn: '上次通知中说明的事件原因，我们正在重新核实，核实后将通报结果。',
    accountUpdated: '关于事件经过，我们掌握了新的情况，详见“事件经过”。',
    nothingChanged: '自上次通知以来，情况没有新的变化。调查仍在继续，我们将及时通报进展。',
    contactEmail: (p) => `电子邮件：${p.email}`,
    contactOther: (p) => `联系方式：${p.contact}`,
    hotline: (p) => `客服热线：${p.phone}`,
    incidentPage: (p) => `最新进展和常见问题解答：${p.url}`,
    questionForm: (p) => `在线提问：${p.url}`,
    nextUpdate: (p) => `我们将在${p.when}之前发送下一次更新；如有重要进展，会更早通知您。`,
    closingThanks: '感谢您在我们处理此次事件期间的耐心与信任。',
    signature: (p) => `${p.company} 安全团队`,
    footer: (p) =>
      `您收到此邮件，是因为您的部分信息涉及此次事件。这是一封安全通知，而非营销邮件，因此即使您已退订营销邮件，仍会收到本邮件。参考编号：${p.incidentId}。`,
  },
  noticeEmail: {
    changes: '自上次通知以来的变化',
    happened: '事件经过',
    consequences: '可能造成的影响',
    cause: '事件原因',
    done: '我们已采取的补救措施',
    todo: '建议您采取的措施',
    remedies: '我们为您提供的帮助',
    contact: '联系方式',
  },
  // A Chinese SMS is UCS-2 (70 characters a segment) and opens with its sender in 【】, as is customary.
  // No link unless the company set its own: after a breach, people are told not to tap links in texts.
  sms: {
    first: (p) =>
      p.link
        ? [`【${p.company}】很抱歉，${p.day}的安全事件涉及您的信息，详见${p.link} 我们不会索要验证码。`, `【${p.company}】安全事件涉及您的信息，详见${p.link}`]
        : [
            `【${p.company}】很抱歉，${p.day}发生的安全事件涉及您的信息，详情已发至您的邮箱。我们不会通过短信发送链接或索要验证码。`,
            `【${p.company}】${p.day}发生的安全事件涉及您的信息，详情已发至您的邮箱。我们不会通过短信发送链接或索要验证码。`,
            `【${p.company}】安全事件涉及您的信息，详情已发至您的邮箱。我们不会通过短信发送链接或索要验证码。`,
            `【${p.company}】安全事件涉及您的信息，详见邮件。我们不会发送链接或索要验证码。`,
          ],
    update: (p) =>
      p.link
        ? [`【${p.company}】${p.day}安全事件第${p.update}次进展通报，详见${p.link} 我们不会索要验证码。`, `【${p.company}】安全事件进展，详见${p.link}`]
        : [
            `【${p.company}】${p.day}安全事件第${p.update}次进展通报已发至您的邮箱。我们不会通过短信发送链接或索要验证码。`,
            `【${p.company}】安全事件第${p.update}次进展通报已发至您的邮箱。我们不会通过短信发送链接或索要验证码。`,
            `【${p.company}】安全事件进展通报详见邮件。我们不会发送链接或索要验证码。`,
          ],
    closing: (p) =>
      p.link
        ? [`【${p.company}】安全事件已处置完毕，感谢您的耐心，详见${p.link} 我们不会索要验证码。`, `【${p.company}】安全事件已处置完毕，详见${p.link}`]
        : [
            `【${p.company}】安全事件已处置完毕，感谢您的耐心，总结已发至您的邮箱。我们不会通过短信发送链接或索要验证码。`,
            `【${p.company}】安全事件已处置完毕，总结已发至您的邮箱。我们不会通过短信发送链接或索要验证码。`,
            `【${p.company}】安全事件已处置完毕，详见邮件。我们不会发送链接或索要验证码。`,
          ],
  },
  remedies: {
    offers: {
      'credit-monitoring': '我们为您免费提供 12 个月的信用监测服务，一旦有人试图以您的名义申请信贷，您会收到提醒。',
      'card-replacement': '我们已注销信息涉及此次事件的银行卡，并将免费为您寄送新卡，您无需进行任何操作。',
      reimbursement: '因此次事件未经您授权从您账户转出的资金或数字资产，经逐笔核实后，我们将予以补偿。',
      'password-reset': '我们已重置您的密码：您下次登录时需要设置新密码。',
      'api-key-replacement': '我们已停用涉及此次事件的 API 密钥，这些密钥已无法使用；您可以在账户设置中创建新的密钥。',
    },
    terms: (p) => `具体条款见 ${p.url} 。`,
    formatDeadline: longDate,
    // A space after each address: readers' phones must not take the next character into the link.
    claimUrl: (p) => (p.deadline ? `请于${p.deadline}前访问 ${p.url} 申请。` : `申请方式：访问 ${p.url}`),
    claimContact: (p) => (p.deadline ? `请于${p.deadline}前联系 ${p.contact} 申请。` : `申请方式：联系 ${p.contact}`),
    claimUs: (p) => (p.deadline ? `请于${p.deadline}前通过下方联系方式申请。` : '请通过下方联系方式申请。'),
    sms: '邮件中另有为您提供的帮助。',
    previewHeading: '按规则提供的帮助及覆盖的客户人数',
    previewLine: (p) => `${endSentence(p.offer)}（提供给 ${number.format(p.customers)} 位涉及${p.categories}的客户）`,
  },
  preview: {
    customerName: '[客户姓名]',
    affectedData: '[与其相关的数据]',
    localTimes: '客户看到的当地时间（每个时区一例）',
    zoneTimes: (p) => `${p.zone}：${p.firstSeen}`,
    zoneTimesWithNext: (p) => `${p.zone}：${p.firstSeen}；下次更新不晚于${p.nextUpdate}`,
    moreZones: (p) => `另有 ${number.format(p.count)} 个时区`,
    sms: '短信（与客户收到的一致）',
    smsSize: (p) => `${p.encoding} 编码，${number.format(p.characters)} 个字符：共 ${p.segments} 条（单条最多 ${p.limit} 个字符），按客户收到的最长一条计算。`,
    smsCost: (p) => `预计费用：${number.format(p.recipients)} 位收件人 × ${p.segments} 条 × ${p.perSegment} = ${p.total}。实际价格因目的地国家而异。`,
    smsCostUnpriced: (p) => `${number.format(p.recipients)} 位收件人 × ${p.segments} 条；未配置单价，无法估算费用。`,
    noSms: '此次受影响的客户中没有人接收短信。',
  },
  review: {
    version: (p) =>
      p.factsVersion === 0 ? `草稿第 ${p.version} 版；响应团队尚未填写事实信息。` : `草稿第 ${p.version} 版，依据响应团队第 ${p.factsVersion} 版事实信息撰写。`,
    gaps: '各语言版本包含的事实信息不一致：',
    nothingApprovedYet: '此事件此前没有已批准的通知，因此无可比较的内容。',
    noChanges: '无变化。',
    changesSinceVersion: (p) => `与本草稿第 ${p.version} 版相比的变化`,
    changesSinceApproved: (p) => `与上一份已批准通知（${p.noticeId}）相比的变化`,
    notes: '团队自上一份已批准通知以来的内部备注（客户看不到）',
  },
  finalReport: {
    subject: (p) => `最终报告：事件 ${p.incidentId}（${p.title}）`,
    intro: (p) => `事件 ${p.incidentId} 已关闭。以下是客户沟通的最终报告。`,
    counts: '送达统计',
    notices: '通知与审批',
    timeline: '时间线',
    deliveryLine: (p) =>
      `${p.noticeId} ${p.channel}：已发送 ${p.sent}，已屏蔽 ${p.suppressed}，失败 ${p.failed}，不确定 ${p.uncertain}，未完成 ${p.unfinished}（应通知 ${p.intended}）`,
    uncertainLine: (p) =>
      `${p.noticeId} ${p.channel}：需与服务商记录核对（不确定）：${p.ids}${p.more > 0 ? `，另有 ${p.more} 位未列出（npm run incident -- deliveries ${p.incidentId} ${p.noticeId} --csv 文件）` : ''}`,
    unreachableLine: (p) =>
      `${p.noticeId}：${p.count} 位客户所有渠道均未送达，需电话或书面联系（公开的事件页面是最后手段）：${p.ids}${p.more > 0 ? `，另有 ${p.more} 位未列出（npm run incident -- deliveries ${p.incidentId}）` : ''}`,
    evidenceLine: (p) =>
      `${p.noticeId} ${p.channel} 送达回执：已受理 ${number.format(p.accepted)}，已送达 ${number.format(p.delivered)}，硬退信 ${number.format(p.bounced)}（退信率 ${rate(p.bounceRate)}），投诉 ${number.format(p.complained)}（投诉率 ${rate(p.complaintRate)}），软退信 ${number.format(p.transientBounces)}，延迟 ${number.format(p.delayed)}，被拒 ${number.format(p.rejected)}，渲染失败 ${number.format(p.renderingFailures)}${p.resumed ? `；${p.resumed.by} 于 ${p.resumed.at} 决定不顾比率继续发送` : ''}`,
    unreconciled: (p) => `${p.noticeId}：送达统计对不上，使用前请先核查投递台账：${p.problems}`,
    remedies: '按规则提供的补救措施',
    remedyLine: (p) => `${p.ruleId}：已向 ${number.format(p.customers)} 位客户提供`,
    noRemedies: '已发送的通知中没有适用的补救规则。',
    regulators: '监管机构报告时限（仅供参考，不构成法律意见）',
    regulatorLine: (p) =>
      `${p.obligationId}（${p.law}）：${
        {
          met: '按时完成',
          missed: '已逾期',
          open: '尚未报送',
          'not-applicable': `不适用：${p.reason}`,
          waiting: '计时尚未开始',
          'no-fixed-deadline': p.filedAt ? '已报送（无固定时限）' : '未报送（无固定时限）',
        }[p.outcome]
      }；截止时间 ${p.deadline ?? '无'}；报送 ${p.filedAt ? `${p.filedAt}，编号 ${p.ref}` : '否'}`,
    noRegulators: '未发现适用的监管报告义务。',
    promises: '承诺的更新（“下次更新时间”）',
    promiseLine: (p) =>
      `${p.noticeId} 承诺在 ${p.promisedBy} 之前发送下次更新：${
        p.outcome === 'kept'
          ? `已兑现，${p.next} 于 ${p.sentAt} 发送`
          : p.outcome === 'missed'
            ? p.next
              ? `未兑现，${p.next} 于 ${p.sentAt} 发送（迟了 ${p.lateMinutes} 分钟）`
              : '未兑现，此后未发送任何通知'
            : '尚未到期'
      }`,
    noPromises: '没有通知承诺过更新。',
    scope: '受影响范围：范围决定',
    scopeLine: (p) => `决定 ${p.version}（${p.by}，${p.at}）：${p.summary}。理由：${p.reason}`,
    scopeFromAlarm: '无人工决定：受影响的是在告警所涉资源上存有数据的客户。',
    closedBecause: (p) => `由 ${p.by} 结案：${p.reason}`,
    questions: '客户提问',
    questionsLine: (p) =>
      `收到 ${p.received} 个，已回答 ${p.answered} 个（${p.emailed} 个答复已通过电子邮件发给提问者）；常见问题：已发布 ${p.faqPublished} 条，待批准 ${p.faqPending} 条，被拒绝 ${p.faqRejected} 条`,
    drill: '演练：各步骤用时与预案目标对比（自告警起的分钟数）',
    drillStep: {
      opened: '事件已建立',
      paged: '已通知响应团队',
      drafted: '首份通知已起草',
      approvalRequested: '已请求审批',
      approved: '首份通知已批准',
      sent: '首份通知已全部发送',
      closed: '已结案',
      finalReport: '最终报告',
    },
    drillLine: (p) =>
      `${p.step}：${p.at ?? '尚未'}${p.stepMinutes === null ? '' : `，本步 ${p.stepMinutes} 分钟，距告警 ${p.sinceAlarmMinutes} 分钟`}${p.targetMinutes === null ? '' : `；目标 ${p.targetMinutes} 分钟`}：${p.verdict}`,
    drillSummary: (p) => `达成目标：${p.met}；未达成：${p.missed}。`,
  },
  drill: {
    marker: '[演练]',
    sentence: '这是一次演练：没有发生任何事件，您无需采取任何行动。',
  },
  approvalEmail: {
    subject: (p) =>
      `[${p.escalated ? '需要审批（已升级）' : '需要审批'}] 事件 ${p.incidentId} 的${p.closing ? '结案客户通知' : p.update === null ? '首次客户通知' : `第 ${p.update} 次客户更新`}`,
    summary: (p) => `事件 ${p.incidentId}：${endSentence(p.title)}严重程度 ${p.severity}；受影响客户 ${p.customers} 位；首次发现于 ${p.firstSeenAt}。`,
    reviewHtml: (p) => `请审阅以下通知，然后打开您的专属链接批准或拒绝（请在 ${p.by} 之前决定）：`,
    reviewText: (p) => `请审阅以下通知，然后通过您的专属链接作出决定（截止时间 ${p.by}）：`,
    codeInEmailHtml: (p) => `请在页面上输入此验证码：${p.code}`,
    codeInEmailText: (p) => `需在页面上输入的验证码：${p.code}`,
    codeBySmsHtml: '请在页面上输入我们通过短信发送到您手机的验证码。',
    codeBySmsText: '请输入我们通过短信发送到您手机的验证码。',
    linkChangesNothing: '打开链接不会做出任何更改；决定须在页面上凭验证码作出。',
    doNotForward: '链接和验证码仅供您本人使用：请勿转发。',
    sms: (p) => `breach-notice 审批验证码（事件 ${p.incidentId}）：${p.code}。请勿泄露给任何人。`,
  },
  approvalPage: {
    'link-invalid': () => '链接不完整或已被修改。请从您的邮件中重新打开。',
    'request-gone': () => '此链接对应的审批请求已不存在。',
    locked: () => '输入错误验证码的次数过多：此链接已锁定，安全响应团队已收到通知。',
    'stale-form': () => '表单已过期或并非来自本页面。请刷新页面后重新决定。',
    'wrong-code': (p) => `验证码与邮件中的不符。此链接锁定前还可尝试 ${p.left} 次。`,
    'you-already-approved': (p) => `您已批准此通知；目前已有 ${p.count}/${p.quorum} 项批准。`,
    'already-approved': (p) => `此通知已由 ${p.by} 于 ${p.at} 批准。`,
    'already-rejected': (p) => `此通知已由 ${p.by} 于 ${p.at} 拒绝。`,
    superseded: () => '此链接已被替换：审批请求已升级给其他审批人。',
    edited: () => '此请求发出后，通知内容已被修改。新版本需要重新审批：您将收到新的链接。',
    expired: (p) => `此链接已于 ${p.at} 过期。`,
    'choose-decision': () => '请选择批准或拒绝。',
    'reason-needed': () => '拒绝时必须填写理由。',
    'code-needed': (p) => `请输入邮件中的 ${p.digits} 位验证码。`,
    'title-bad-request': () => '表单未填写完整',
    'title-unknown-link': () => '此审批链接无效',
    'title-already-decided': () => '此通知已有决定',
    'title-expired': () => '此审批链接已过期',
    'title-superseded': () => '此审批链接已失效',
    'title-wrong-code': () => '验证码不正确',
    'title-locked': () => '此审批链接已锁定',
    'title-stale-form': () => '请刷新页面',
    'nothing-changed': () => '未做任何更改。',
    'title-approve': () => '审批客户通知',
    'title-decided': () => '决定已记录',
    'deciding-as': (p) => `您正在以 <strong>${p.approver}</strong> 的身份审批。请在 ${p.by} 之前决定。`,
    quorum: (p) => `需要的批准数：${p.quorum}。`,
    'approved-so-far': (p) => `已批准：${p.names}。`,
    'nobody-yet': () => '尚无人作出决定。',
    incident: (p) => `事件 ${p.id}`,
    what: () => '事件',
    when: (p) => `首次发现于 ${p.at}`,
    'when-label': () => '时间',
    customers: () => '受影响客户',
    data: () => '涉及数据',
    severity: () => '严重程度',
    'notice-heading': () => '通知内容（与客户看到的完全一致）',
    'code-label': () => '邮件中的验证码',
    'reason-label': () => '理由（拒绝时必填）',
    approve: () => '批准并发送',
    reject: () => '拒绝',
    'decided-rejected': () => '通知已被拒绝；安全响应团队已收到您的理由。',
    'decided-counted': (p) => `您的批准已记录：${p.count}/${p.quorum}。达到 ${p.quorum} 项批准后通知将发出。`,
    'decided-approved': () => '通知已批准，正在发送给客户。',
    'recorded-for': (p) => `已为 ${p.approver} 记录，时间 ${p.at}。`,
    'callback-pending': () => '您的决定已记录，但尚未能通知工作流程。系统会在一分钟内自动重试；再次提交会立即重试。',
    'callback-lost': () => '决定已记录，但工作流程已不再等待此决定。安全响应团队已收到通知。',
    'returned-approved': (p) => `此通知已由 ${p.by} 于 ${p.at} 批准。该决定现已送达工作流程。`,
    'returned-rejected': (p) => `此通知已由 ${p.by} 于 ${p.at} 拒绝。该决定现已送达工作流程。`,
  },
  answer: {
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
  incidentPage: {
    title: (p) => `${p.company}：安全事件`,
    headline: (p) => `${p.company} 发生了一起涉及客户信息的安全事件，现向客户和公众通报有关情况。`,
    apology: '发生此次事件，我们深感抱歉。我们将持续向受影响的客户通报进展，直至事件处置完毕。',
    consequences: '可能造成的影响',
    closedUpdate: '此事件已处置完毕。',
    statement: '我们的声明',
    updates: '最新进展',
    update: (p) => `第 ${p.n} 次更新（${p.date}）`,
    closed: '此事件已结束。',
    whatToDo: '建议客户采取的措施',
    remedies: '我们为客户提供的帮助',
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
  questionForm: {
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
};

/**
 * What only drafting and the incident page say (consequences, the public's wording, confirmed
 * actions): kept apart from the catalogue so the functions that only send carry none of it.
 */
export const zhCNDrafting: DraftingTexts = {
  consequences: {
    name: '不法分子可能利用姓名，让诈骗邮件、电话或信件显得更加可信。',
    email: '电子邮件地址可能收到冒充我们或其他机构的钓鱼邮件。',
    phone: '电话号码可能接到诈骗电话和短信，也可能被人试图盗用。',
    address: '通信地址可能收到诈骗信件，也可能被用来让其他诈骗显得更加可信。',
    date_of_birth: '出生日期与其他信息结合，可能被用来冒用他人身份通过身份核验。',
    password: '以哈希形式存储的密码有时可能被破解，继而被用来尝试登录使用相同密码的其他服务。',
    government_id: '身份证件号码可能被用来冒用他人名义开立账户或申请贷款。',
    payment_card: '银行卡信息可能被用于持卡人本人未进行的消费。',
    bank_account: '银行账户信息可能被用于未经账户持有人授权的扣款，或被用于冒充银行的诈骗。',
    transaction_history: '交易记录会暴露消费习惯，可能让诈骗信息显得更加可信。',
    crypto_assets: '一旦得知谁持有数字资产，不法分子可能将其作为盗窃和诈骗的目标。',
    api_keys: 'API 密钥在停用之前，可用于访问相应账户及其数据。',
  },
  publicAdvice: {
    changePassword: '密码涉及此次事件的客户，应立即修改密码；如在其他账户使用了相同密码，也应一并修改。',
    changePasswordAfterReset: '密码已被重置的客户，下次登录时需设置新密码；如在其他账户使用过原密码，也应一并修改。',
    twoFactor: '建议客户在账户设置中开启双重验证。',
    checkTransactions: '建议客户检查近期交易记录，如发现任何不明交易，请立即告知我们。',
    cardIssuer: '银行卡信息涉及此次事件的客户，可联系发卡银行挂失并补办新卡。',
    revokeApiKeys: 'API 密钥涉及此次事件的客户，应撤销这些密钥并重新生成新的密钥。',
    createApiKeys: '涉及此次事件的 API 密钥已无法使用，密钥持有人可在账户设置中创建新的密钥。',
    phishing: '我们绝不会通过短信发送链接，也绝不会索要密码或验证码；凡是提及此事件并这样做的信息，均为诈骗。',
    phishingWithLink: '我们绝不会索要密码或验证码；凡是提及此事件并索要这些信息的邮件、电话或短信，均为诈骗。',
  },
  publicHappened: (p) => `${happened[p.source](p.when)}${involved(p.customers)}`,
  confirmedAction: {
    'passwords-reset': '我们已重置涉及此次事件的密码，客户下次登录时需设置新密码。',
    'api-keys-disabled': '我们已停用涉及此次事件的 API 密钥，这些密钥已无法使用。',
    'cards-replaced': '我们已注销涉及此次事件的银行卡，并免费寄送新卡。',
  },
  publicOffers: {
    'credit-monitoring': '免费提供 12 个月的信用监测服务，一旦有人试图冒用客户名义申请信贷，即发出提醒',
    'card-replacement': '我们已注销涉及此次事件的银行卡，并免费寄送新卡',
    reimbursement: '因此次事件未经授权从客户账户转出的资金或数字资产，经逐笔核实后予以补偿',
    'password-reset': '我们已重置相关密码，客户下次登录时需设置新密码',
    'api-key-replacement': '我们已停用涉及此次事件的 API 密钥，客户可在账户设置中创建新的密钥',
  },
  publicOffer: (p) => `面向${p.categories}涉及此次事件的客户：${p.offer}`,
};
