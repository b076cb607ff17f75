/**
 * The two statements of pg-boss 10 that record the end of a run (src/plans.js, not part of its
 * typed API). JobsDatabase recognises them by their text; see there why.
 */
declare module 'pg-boss/src/plans' {
  export function completeJobs(schema: string): string;
  export function failJobsById(schema: string): string;
}
