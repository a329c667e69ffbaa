import { Module } from '@nestjs/common';
import { AssetsController } from './assets.controller';
import { CreateAssetsWhenOrderPlacedHandler } from './create-assets-when-order-placed.handler';
import { RetireAssetsWhenOrderCancelledOrRefundedHandler } from './retire-assets-when-order-cancelled-or-refunded.handler';

export const salesEventHandlers = [CreateAssetsWhenOrderPlacedHandler, RetireAssetsWhenOrderCancelledOrRefundedHandler];

@Module({ controllers: [AssetsController], providers: [...salesEventHandlers] })
export class AssetsModule {}
