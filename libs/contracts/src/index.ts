export * from './lib/contracts.module';
