/** Work-queue kind of a version's text extraction; payload { versionId }. */
export const EXTRACT_JOB = 'extract-text';
