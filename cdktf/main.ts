/**
 * The example pipeline's CDKTF app (`cdktf.json` runs `npx tsx cdktf/main.ts`; `npm run synth`, `cdktf deploy dev`).
 *
 * 1. reads `.env` (variables already in the environment win) and parses the configuration, failing fast;
 * 2. builds each stage's function source archive (toolkit/build) if it is missing or stale; the build is
 *    deterministic, so an unchanged tree gives the same sha256 and object names, and nothing is redeployed;
 * 3. synthesises one stack per environment into cdktf.out/stacks/<env>/cdk.tf.json.
 *
 * Synth makes no network call and needs no `terraform` binary: the provider bindings are prebuilt
 * (@cdktf/provider-google), nothing is downloaded. Set CHECKPOINT_DISABLE=1 for the CLI so that it does not even
 * try its version check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { ensureFunctionSources } from '../toolkit/build';
import { createStacks, parseConfig } from '../toolkit/infra';
import { pipeline } from '../functions/pipeline';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const envFile = path.join(root, '.env');
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
  const config = parseConfig(process.env);
  const { sources, rebuilt } = await ensureFunctionSources({ root, pipeline });
  if (rebuilt) console.log(`built ${Object.keys(sources).length} function archives in ${path.relative(root, path.join(root, '.build/functions'))}`);
  const app = new App();
  createStacks(app, pipeline, config, sources);
  app.synth();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
