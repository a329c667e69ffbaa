declare module 'swagger-ui-dist/absolute-path.js' {
  /** The folder holding the Swagger UI assets. */
  function getAbsoluteFSPath(): string;
  export = getAbsoluteFSPath;
}
