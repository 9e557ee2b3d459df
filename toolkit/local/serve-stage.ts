/**
 * Serves one stage with functions-framework's own server, bound to 127.0.0.1 only (functions-framework's CLI
 * binds every interface). Run by the local runner as a child process per stage, which is what Cloud Functions
 * does: one function per instance. Arguments: `<pipelineFile> <entryPoint> <port>`; the pipeline's functions are
 * registered as its deployed entry registers them (`pipeline.registerFunctions()`).
 */
import { getFunction, getTestServer } from '@google-cloud/functions-framework/testing';
import { loadPipeline } from '../core/pipeline-app/create-pipeline';

const [pipelineFile, entryPoint, portText] = process.argv.slice(2);
if (!pipelineFile || !entryPoint || !portText || !/^\d+$/.test(portText)) {
  console.error('usage: serve-stage <pipelineFile> <entryPoint> <port>');
  process.exit(2);
}
loadPipeline(pipelineFile).registerFunctions();
// getTestServer builds the same express app as functions-framework's main (same body parsing and routing).
const server = getTestServer(entryPoint);
const registered = getFunction(entryPoint) as { warmUp?: () => Promise<void> } | undefined;
// Load the model before accepting pushes, so "ready" means ready and the first message is not a cold start.
void (registered?.warmUp?.() ?? Promise.resolve())
  .then(() =>
    server.listen(Number(portText), '127.0.0.1', () => {
      console.log(JSON.stringify({ severity: 'INFO', message: `serving ${entryPoint} on http://127.0.0.1:${portText}` }));
    }),
  )
  .catch((error: unknown) => {
    console.error(JSON.stringify({ severity: 'CRITICAL', message: `could not start ${entryPoint}: ${String(error)}` }));
    process.exit(1);
  });
const shutdown = (): void => {
  server.close(() => process.exit(0));
  // Push connections are kept alive; do not wait for them to go idle.
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
