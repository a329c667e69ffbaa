/**
 * Takes personal values out of a log message: email addresses anywhere, and
 * the values Postgres quotes in its errors (`invalid input syntax for type
 * uuid: "ada@example.com"`, `Key (address)=(ada@example.com)`). Names of
 * tables, columns and constraints stay: they are what an operator needs.
 */
export function redactLogText(text: string): string {
  return text
    .replace(/: "(?:[^"\\]|\\.)*"/g, ': "[redacted]"')
    .replace(/\)=\((?:[^()]|\([^()]*\))*\)/g, ')=([redacted])')
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[email]');
}
