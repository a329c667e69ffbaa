import { Global, Module } from '@nestjs/common';
import { WorkQueue } from './work-queue';

@Global()
@Module({ providers: [WorkQueue], exports: [WorkQueue] })
export class JobsModule {}
