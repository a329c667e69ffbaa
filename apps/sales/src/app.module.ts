import { Module } from '@nestjs/common';
import { JobsModule } from '@crm/jobs';
import { MessagingModule, messagingEntities, messagingMigrations } from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { PlatformModule } from '@crm/platform';
import { ContactsMirrorModule, contactEventHandlers } from './contacts-mirror/contacts-mirror.module';
import { PipelinesAndDeals1797000000000 } from './migrations/1797000000000-pipelines-and-deals';
import { DealBoardTotals1797000000001 } from './migrations/1797000000001-deal-board-totals';
import { PipelinesModule } from './pipelines/pipelines.module';
import { DealsModule } from './deals/deals.module';
import { DealFieldsModule } from './deal-fields/deal-fields.module';
import { LostReasonsModule } from './lost-reasons/lost-reasons.module';
import { BoardModule } from './board/board.module';
import { CurrencyRatesModule } from './currency-rates/currency-rates.module';
import { ForecastModule } from './forecast/forecast.module';
import { SalesSettingsModule } from './shared/settings.module';
import { CustomersModule } from './customers/customers.module';
import { ProductsQuotesOrders1797100000000 } from './migrations/1797100000000-products-quotes-orders';
import { ProductsModule } from './products/products.module';
import { PriceBooksModule } from './price-books/price-books.module';
import { OrdersModule } from './orders/orders.module';
import { QuotesModule } from './quotes/quotes.module';
import { OrderImportsAndExports1797100000100 } from './migrations/1797100000100-order-imports-and-exports';
import { ContactMirrorExternalIds1797100000200 } from './migrations/1797100000200-contact-mirror-external-ids';
import { OrderImportsModule } from './order-imports/order-imports.module';
import { SalesExportsModule } from './exports/exports.module';

// Further entities and migrations go at the end of these lists (migrations in apps/sales/src/migrations/,
// pipelines and deals 17970xxxxxxxx-*, products, price books, quotes and orders 17971xxxxxxxx-*).
export const entities = [...messagingEntities];
export const migrations = [
  ...messagingMigrations,
  PipelinesAndDeals1797000000000,
  DealBoardTotals1797000000001,
  ProductsQuotesOrders1797100000000,
  OrderImportsAndExports1797100000100,
  ContactMirrorExternalIds1797100000200,
];

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'sales' }),
    PersistenceModule.forRoot({ entities, migrations }),
    MessagingModule.forRoot({
      service: 'sales',
      publishes: true,
      subscribe: [{ stream: 'contacts', handlers: contactEventHandlers }],
    }),
    JobsModule.forRoot(),
    SalesSettingsModule,
    ContactsMirrorModule,
    PipelinesModule,
    LostReasonsModule,
    DealFieldsModule,
    DealsModule,
    BoardModule,
    ForecastModule,
    CurrencyRatesModule,
    CustomersModule,
    ProductsModule,
    PriceBooksModule,
    OrdersModule,
    QuotesModule,
    OrderImportsModule,
    SalesExportsModule,
    // Further feature modules go here, one line each (products, price books, quotes, orders: sales-orders).
  ],
})
export class AppModule {}
