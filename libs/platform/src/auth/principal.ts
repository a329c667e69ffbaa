/** Who is calling, as the verified token says. */
export interface Principal {
  subject: string;
  name?: string;
  roles: string[];
  permissions: string[];
  kind: 'user' | 'service' | 'api-key';
}
