/** The message a worker logs once it is pulling; the local runner waits for it (and `serve-stage` has its own). */
export const WORKER_READY_MESSAGE = 'worker pulling';
