/**
 * Names of subjects and streams. A namespace (CRM_EVENT_NAMESPACE) prefixes
 * both, so test runs and side-by-side installs on one NATS never share them.
 */
export class EventNaming {
  constructor(readonly namespace = '') {
    if (namespace && !/^[a-z][a-z0-9]{0,30}$/.test(namespace)) {
      throw new Error(`CRM_EVENT_NAMESPACE must be lower-case letters and digits, got "${namespace}"`);
    }
  }

  subjectFor(type: string): string {
    return this.namespace ? `${this.namespace}.${type}` : type;
  }

  typeFromSubject(subject: string): string {
    return this.namespace && subject.startsWith(`${this.namespace}.`)
      ? subject.slice(this.namespace.length + 1)
      : subject;
  }

  streamFor(service: string): string {
    const base = `CRM_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    return this.namespace ? `${this.namespace.toUpperCase()}_${base}` : base;
  }

  streamSubjects(service: string): string {
    return this.subjectFor(`crm.${service}.>`);
  }

  get dlqStream(): string {
    return this.streamFor('dlq');
  }

  dlqSubject(consumer: string, type: string): string {
    return this.subjectFor(`crm.dlq.${consumer}.${type}`);
  }
}
