/** What a benchmark server (bench/serve-stage.ts) tells its parent over IPC. */
export type ServerMessage = { type: 'ready'; pid: number } | { type: 'stats'; published: Record<string, number>; publishedBytes: number } | { type: 'failed'; error: string };

/** The environment that turns the stages' micro-batching off: one message per model call, as the samples do it. */
export const NO_BATCHING_ENV = { CLASSIFY_MAX_BATCH_SIZE: '1', CLASSIFY_MAX_WAIT_MS: '0', ONNX_MAX_BATCH_SIZE: '1', ONNX_MAX_WAIT_MS: '0' } as const;
