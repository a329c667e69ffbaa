declare module 'swagger-ui-dist' {
  /** The folder holding the package's static files. */
  export function getAbsoluteFSPath(): string;
}
