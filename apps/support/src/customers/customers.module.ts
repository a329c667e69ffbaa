import { Module } from '@nestjs/common';
import { SupportRpc } from './support.rpc';

@Module({ controllers: [SupportRpc] })
export class CustomersModule {}
