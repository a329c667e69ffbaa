import { Module } from '@nestjs/common';
import { RedeemCouponsWhenOrderPlacedHandler } from '../promotions/redeem-coupons-when-order-placed.handler';
import { EarnPointsWhenOrderPaidHandler } from '../loyalty/earn-points-when-order-paid.handler';
import { RecordConversionWhenOrderPlacedHandler } from '../tracking/record-conversion-when-order-placed.handler';
import { AnonymiseWhenContactErasedHandler } from './anonymise-when-contact-erased.handler';
import { ApplyCustomerScoresHandler } from './apply-customer-scores.handler';
import { ApplyConsentChangeHandler } from './apply-consent-change.handler';
import { ApplyContactChangesHandler } from './apply-contact-changes.handler';
import { ApplyOrderFactsHandler } from './apply-order-facts.handler';
import { ApplyProductHandler } from './apply-product.handler';
import { MoveRecordsWhenContactMergedHandler } from './move-records-when-contact-merged.handler';
import { NotifyPartnersWhenConsentWithdrawnHandler } from '../partners/notify-partners-when-consent-withdrawn.handler';
import { IndexPartnerHashesWhenContactChangedHandler } from '../partners/index-partner-hashes-when-contact-changed.handler';

// Order matters within one event: the mirror first, then what reads it (the erasure receipt last).
export const contactEventHandlers = [
  ApplyContactChangesHandler,
  ApplyConsentChangeHandler,
  MoveRecordsWhenContactMergedHandler,
  AnonymiseWhenContactErasedHandler,
  NotifyPartnersWhenConsentWithdrawnHandler,
  IndexPartnerHashesWhenContactChangedHandler,
];

// The order is kept first; conversion, redemption and points read it.
export const salesEventHandlers = [
  ApplyProductHandler,
  ApplyOrderFactsHandler,
  RecordConversionWhenOrderPlacedHandler,
  RedeemCouponsWhenOrderPlacedHandler,
  EarnPointsWhenOrderPaidHandler,
];

export const analyticsEventHandlers = [ApplyCustomerScoresHandler];

@Module({ providers: [...contactEventHandlers, ...salesEventHandlers, ...analyticsEventHandlers] })
export class MirrorModule {}
