import type { SettledReconciliation } from '../../../functions/domain/delivery.js';
import type { Notice, NoticeStatus } from '../../../functions/domain/incident.js';
import type { NoticeStorePort, ResumeSendingOutcome } from '../../../functions/domain/ports.js';
import type { SendingResumed } from '../../../functions/domain/reputation.js';
import { NoticeNotFoundError } from '../../../functions/shared/errors.js';

export class FakeNotices
  implements Pick<NoticeStorePort, 'getNotice' | 'setNoticeStatus' | 'createNotice' | 'listNotices' | 'saveReconciliation' | 'resumeSending'>
{
  notices = new Map<string, Notice>();
  private key = (incidentId: string, noticeId: string) => `${incidentId}/${noticeId}`;

  async createNotice(notice: Notice) {
    this.notices.set(this.key(notice.incidentId, notice.noticeId), structuredClone(notice));
  }
  async getNotice(incidentId: string, noticeId: string) {
    const notice = this.notices.get(this.key(incidentId, noticeId));
    if (!notice) throw new NoticeNotFoundError(`Notice ${noticeId} of incident ${incidentId} does not exist`);
    return structuredClone(notice);
  }
  async listNotices(incidentId: string) {
    return [...this.notices.values()].filter((n) => n.incidentId === incidentId);
  }
  async saveReconciliation(incidentId: string, noticeId: string, reconciliation: SettledReconciliation) {
    const notice = this.notices.get(this.key(incidentId, noticeId));
    if (!notice) throw new NoticeNotFoundError(`Notice ${noticeId} of incident ${incidentId} does not exist`);
    notice.reconciliation = structuredClone(reconciliation);
  }
  /** As the store's conditional write: an approved notice, once. */
  async resumeSending(incidentId: string, noticeId: string, resumed: SendingResumed): Promise<ResumeSendingOutcome> {
    const notice = this.notices.get(this.key(incidentId, noticeId));
    if (!notice) throw new NoticeNotFoundError(`Notice ${noticeId} of incident ${incidentId} does not exist`);
    if (notice.sendingResumed) return { outcome: 'already', resumed: structuredClone(notice.sendingResumed) };
    if (notice.status !== 'APPROVED') return { outcome: 'not-sending', status: notice.status };
    notice.sendingResumed = structuredClone(resumed);
    return { outcome: 'resumed', resumed };
  }
  async setNoticeStatus(incidentId: string, noticeId: string, status: NoticeStatus, approvedHash?: string) {
    const notice = this.notices.get(this.key(incidentId, noticeId));
    if (!notice) throw new NoticeNotFoundError(`Notice ${noticeId} of incident ${incidentId} does not exist`);
    notice.status = status;
    if (approvedHash !== undefined) notice.approvedHash = approvedHash;
  }
}
