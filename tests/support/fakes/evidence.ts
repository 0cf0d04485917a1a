import { noEvidenceCounts, type EvidenceCounts } from '../../../functions/domain/delivery-evidence.js';
import type { Channel, NoticeRef } from '../../../functions/domain/delivery.js';
import type { EvidenceStorePort } from '../../../functions/domain/ports.js';

/** A notice's evidence counts per channel, as the record step leaves them; `reads` counts the GetItems the store would make. */
export class FakeEvidence implements Pick<EvidenceStorePort, 'counts'> {
  reads = 0;
  private readonly byNotice = new Map<string, EvidenceCounts>();
  private key = (ref: NoticeRef, channel: Channel) => `${ref.incidentId}/${ref.noticeId}/${channel}`;

  set(ref: NoticeRef, channel: Channel, counts: Partial<EvidenceCounts>): void {
    this.byNotice.set(this.key(ref, channel), { ...noEvidenceCounts(), ...counts });
  }
  async counts(ref: NoticeRef, channel: Channel): Promise<EvidenceCounts> {
    this.reads += 1;
    return { ...(this.byNotice.get(this.key(ref, channel)) ?? noEvidenceCounts()) };
  }
}
