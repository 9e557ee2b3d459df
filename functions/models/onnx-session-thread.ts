/**
 * An onnxruntime session in a worker thread of its own. onnxruntime-node runs `session.run` synchronously on the
 * calling thread (it only defers the call with `setImmediate`), so a session on the main thread stops the stage from
 * reading requests and handing images to sharp for as long as each batch runs; in a thread, the model, the HTTP
 * side and the image decoding (on libuv's pool) overlap. The thread's code is plain JavaScript (no TypeScript loader
 * needed, in a function, under tsx or under Jest); tensors cross by transfer, not by copy.
 */
import { Worker } from 'node:worker_threads';
import { z } from 'zod';

/** One input tensor: its type, values and shape. */
export interface ThreadTensor {
  readonly type: 'float32' | 'uint8';
  readonly data: Float32Array | Uint8Array;
  readonly dims: readonly number[];
}

/** A session living in a worker thread. */
export interface SessionThread {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model on one input and returns one output as float32 values with its shape. */
  run(inputName: string, input: ThreadTensor, outputName: string): Promise<{ data: Float32Array; dims: number[] }>;
  /** Ends the thread (an idle thread never keeps the process alive; this frees it at once). */
  close(): Promise<void>;
}

const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
ort.InferenceSession.create(workerData.modelPath, workerData.options).then(
  (session) => {
    parentPort.postMessage({ type: 'ready', inputNames: session.inputNames, outputNames: session.outputNames });
    parentPort.on('message', async (request) => {
      try {
        const input = new ort.Tensor(request.type, request.data, request.dims);
        const output = (await session.run({ [request.inputName]: input }))[request.outputName];
        if (!output) throw new Error('no output named "' + request.outputName + '"');
        const data = Float32Array.from(output.data);
        parentPort.postMessage({ type: 'result', id: request.id, data, dims: Array.from(output.dims, Number) }, [data.buffer]);
      } catch (error) {
        parentPort.postMessage({ type: 'error', id: request.id, message: String(error && error.message || error) });
      }
    });
  },
  (error) => parentPort.postMessage({ type: 'failed', message: String(error && error.message || error) }),
);
`;

const replySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), inputNames: z.array(z.string()), outputNames: z.array(z.string()) }),
  z.object({ type: z.literal('failed'), message: z.string() }),
  // Checked as a typed-array view, not with instanceof: under Jest the thread's Float32Array is another realm's.
  z.object({ type: z.literal('result'), id: z.number(), data: z.custom<Float32Array>((value) => ArrayBuffer.isView(value)), dims: z.array(z.number()) }),
  z.object({ type: z.literal('error'), id: z.number(), message: z.string() }),
]);

/** Starts a worker thread, creates the session from `modelPath` in it and resolves once it is ready. */
export function startSessionThread(modelPath: string, options: { readonly intraOpNumThreads: number }): Promise<SessionThread> {
  const worker = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: { ortPath: require.resolve('onnxruntime-node'), modelPath, options: { graphOptimizationLevel: 'all', intraOpNumThreads: options.intraOpNumThreads } },
  });
  const pending = new Map<number, { resolve: (value: { data: Float32Array; dims: number[] }) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  // The thread keeps the process alive only while it loads or runs something: an idle model never holds it open.
  let busy = 0;
  const hold = (): void => {
    if (busy++ === 0) worker.ref();
  };
  const release = (): void => {
    if (--busy === 0) worker.unref();
  };
  let broken: Error | undefined;
  const failAll = (error: Error): void => {
    broken = error;
    for (const { reject } of pending.values()) {
      reject(error);
      release();
    }
    pending.clear();
  };
  return new Promise((resolve, reject) => {
    worker.once('error', (error) => {
      reject(error);
      failAll(error);
    });
    worker.once('exit', (code) => failAll(new Error(`the onnxruntime thread exited (code ${code})`)));
    worker.on('message', (message: unknown) => {
      const parsed = replySchema.safeParse(message);
      if (!parsed.success) {
        failAll(new Error('the onnxruntime thread sent an unexpected message'));
        return;
      }
      const reply = parsed.data;
      if (reply.type === 'ready') {
        release();
        resolve({
          inputNames: reply.inputNames,
          outputNames: reply.outputNames,
          run(inputName, input, outputName) {
            if (broken) return Promise.reject(broken);
            const id = nextId++;
            return new Promise((resolveRun, rejectRun) => {
              hold();
              pending.set(id, { resolve: resolveRun, reject: rejectRun });
              worker.postMessage({ id, inputName, outputName, type: input.type, data: input.data, dims: input.dims }, [input.data.buffer as ArrayBuffer]);
            });
          },
          async close() {
            await worker.terminate();
          },
        });
      } else if (reply.type === 'failed') {
        release();
        reject(new Error(reply.message));
        void worker.terminate();
      } else {
        const waiting = pending.get(reply.id);
        if (waiting) release();
        pending.delete(reply.id);
        if (reply.type === 'result') waiting?.resolve({ data: reply.data, dims: reply.dims });
        else waiting?.reject(new Error(reply.message));
      }
    });
    // Held while the session loads (the listeners above ref the worker; `hold` counts that as the first hold).
    busy = 1;
  });
}
