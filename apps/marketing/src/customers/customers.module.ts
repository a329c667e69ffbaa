import { Module } from '@nestjs/common';
import { CustomersRpc } from './customers.rpc';

@Module({ controllers: [CustomersRpc] })
export class CustomersModule {}
