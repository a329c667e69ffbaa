import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ANALYTICS_EVENTS, type CustomerScoredPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { MembershipService } from '../segments/membership.service';

/**
 * Analytics' scores (RFM segment, CLV, churn risk) on the mirror, for
 * "RFM segment is" and "CLV above" conditions. Ordered by scoredAt: an older
 * scoring arriving late changes nothing.
 */
@Injectable()
@OnEvent(ANALYTICS_EVENTS.customerScored)
export class ApplyCustomerScoresHandler implements EventHandler<Partial<CustomerScoredPayload>> {
  constructor(private readonly membership: MembershipService) {}

  async handle(event: CloudEvent<Partial<CustomerScoredPayload>>, manager: EntityManager): Promise<void> {
    const d = event.data ?? {};
    const contactId = d.customerId ?? event.subject;
    const at = Date.parse(d.scoredAt ?? event.time);
    if (!contactId || Number.isNaN(at)) return;
    await manager.query(
      `INSERT INTO contact_mirror (contact_id, status) VALUES ($1, 'unknown') ON CONFLICT (contact_id) DO NOTHING`,
      [contactId],
    );
    const [, n] = await manager.query(
      `UPDATE contact_mirror SET rfm_segment = $2, clv_minor = $3, churn_risk = $4, scores_version = $5, updated_at = clock_timestamp()
        WHERE contact_id = $1 AND scores_version < $5`,
      [
        contactId,
        typeof d.segment === 'string' ? d.segment : null,
        typeof d.clvMinor === 'number' ? Math.round(d.clvMinor) : null,
        typeof d.churnRisk === 'number' ? d.churnRisk : null,
        at,
      ],
    );
    if (n) await this.membership.reevaluate(manager, [contactId]);
  }
}
