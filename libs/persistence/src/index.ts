export * from './lib/persistence.module';
