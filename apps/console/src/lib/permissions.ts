/** The platform's rule (libs/platform permissions.ts): `area:action`, `area:*`, `*:action` or `*`. */
export function grants(granted: readonly string[], required: string): boolean {
  const [area, action] = required.split(':');
  return (
    granted.includes('*') ||
    granted.includes(required) ||
    (action !== undefined && (granted.includes(`${area}:*`) || granted.includes(`*:${action}`)))
  );
}
