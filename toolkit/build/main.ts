/**
 * `npm run build`: builds every stage's function archive of the pipeline a file exports (default
 * functions/pipeline.ts) and prints each archive's size and sha256.
 */
import * as path from 'node:path';
import { loadPipeline } from '../core/pipeline-app/create-pipeline';
import { buildFunctionSources } from './function-build';

async function main(): Promise<void> {
  const file = process.argv[2] ?? 'functions/pipeline.ts';
  const sources = await buildFunctionSources({ root: process.cwd(), pipeline: loadPipeline(file) });
  for (const source of Object.values(sources)) {
    console.log(`${path.relative(process.cwd(), source.zipPath).padEnd(34)} ${String(source.files.length).padStart(4)} files ${String(source.bytes).padStart(9)} bytes  sha256 ${source.sha256}`);
    console.log(`${''.padEnd(34)} dependencies: ${Object.keys(source.dependencies).join(', ')}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
