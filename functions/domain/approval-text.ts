/**
 * Every sentence of the approval pages, in each locale the pages speak. Refusals are keyed here so the
 * same refusal reads right for an English- or Chinese-speaking approver, and logs keep the English.
 */
export const pageLocales = ['en', 'zh-CN'] as const;
export type PageLocale = (typeof pageLocales)[number];
export type Params = Record<string, string | number>;

const en = {
  'link-invalid': () => 'The link is incomplete or was changed. Open it again from your email.',
  'request-gone': () => 'The approval request behind this link no longer exists.',
  locked: () => 'Too many wrong codes were typed: this link is locked and the response team has been told.',
  'stale-form': () => 'The form has expired or did not come from this page. Reload the page and decide again.',
  'wrong-code': (p: Params) => `That is not the code from your email. ${p.left} tries left before this link locks.`,
  'you-already-approved': (p: Params) => `You already approved this notice; ${p.count} of ${p.quorum} approvals so far.`,
  'already-approved': (p: Params) => `This notice was already approved by ${p.by} at ${p.at}.`,
  'already-rejected': (p: Params) => `This notice was already rejected by ${p.by} at ${p.at}.`,
  superseded: () => 'This link was replaced: the request was escalated to other approvers.',
  expired: (p: Params) => `This link expired at ${p.at}.`,
  'choose-decision': () => 'Choose approve or reject.',
  'reason-needed': () => 'A rejection needs a reason.',
  'code-needed': (p: Params) => `Type the ${p.digits}-digit code from your email.`,
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
  'deciding-as': (p: Params) => `You are deciding as <strong>${p.approver}</strong>. Decide by ${p.by}.`,
  'quorum': (p: Params) => `Approvals needed: ${p.quorum}.`,
  'approved-so-far': (p: Params) => `Approved so far by: ${p.names}.`,
  'nobody-yet': () => 'Nobody has decided yet.',
  incident: (p: Params) => `Incident ${p.id}`,
  what: () => 'What',
  when: (p: Params) => `first seen ${p.at}`,
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
  'decided-counted': (p: Params) => `Your approval is recorded: ${p.count} of ${p.quorum}. The notice goes out once ${p.quorum} approvers have approved.`,
  'decided-approved': () => 'The notice is approved and is being sent to customers.',
  'recorded-for': (p: Params) => `Recorded for ${p.approver} at ${p.at}.`,
  'callback-pending': () => 'Your decision is recorded, but the workflow could not be told yet. It is retried automatically within a minute; submitting again retries it now.',
  'callback-lost': () => 'The decision is recorded, but the workflow no longer waits for it. The response team has been told.',
  'redelivered-approved': (p: Params) => `This notice was approved by ${p.by} at ${p.at}. That decision has now reached the workflow.`,
  'redelivered-rejected': (p: Params) => `This notice was rejected by ${p.by} at ${p.at}. That decision has now reached the workflow.`,
};
export type TextKey = keyof typeof en;

const zh: Record<TextKey, (p: Params) => string> = {
  'link-invalid': () => '链接不完整或已被修改。请从您的邮件中重新打开。',
  'request-gone': () => '此链接对应的审批请求已不存在。',
  locked: () => '输入错误验证码的次数过多：此链接已锁定，安全响应团队已收到通知。',
  'stale-form': () => '表单已过期或并非来自本页面。请刷新页面后重新决定。',
  'wrong-code': (p) => `验证码与邮件中的不符。此链接锁定前还可尝试 ${p.left} 次。`,
  'you-already-approved': (p) => `您已批准此通知；目前已有 ${p.count}/${p.quorum} 项批准。`,
  'already-approved': (p) => `此通知已由 ${p.by} 于 ${p.at} 批准。`,
  'already-rejected': (p) => `此通知已由 ${p.by} 于 ${p.at} 拒绝。`,
  superseded: () => '此链接已被替换：审批请求已升级给其他审批人。',
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
  'redelivered-approved': (p) => `此通知已由 ${p.by} 于 ${p.at} 批准。该决定现已送达工作流程。`,
  'redelivered-rejected': (p) => `此通知已由 ${p.by} 于 ${p.at} 拒绝。该决定现已送达工作流程。`,
};

const catalogue: Record<PageLocale, Record<TextKey, (p: Params) => string>> = { en, 'zh-CN': zh };

/** A sentence in `locale`. Parameters are inserted as given: escape them first where HTML matters. */
export function say(locale: PageLocale, key: TextKey, params: Params = {}): string {
  return catalogue[locale][key](params);
}

/** The page language from an Accept-Language header: the first supported one by preference; else English. */
export function pageLocale(acceptLanguage: string | undefined): PageLocale {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...attrs] = part.trim().split(';');
      const q = Number(attrs.find((a) => a.trim().startsWith('q='))?.trim().slice(2) ?? 1);
      return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
  }
  return 'en';
}
