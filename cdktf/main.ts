/**
 * The CDKTF app (`cdktf.json` runs `npx tsx cdktf/main.ts`; `npm run synth`, `cdktf deploy dev`).
 *
 * 1. reads `.env` (variables already in the environment win) and parses the configuration, failing fast;
 * 2. builds the function source archive (scripts/build-functions.ts) if it is missing or stale; the build is
 *    deterministic, so an unchanged tree gives the same sha256 and object name, and nothing is redeployed;
 * 3. synthesises one stack per environment into cdktf.out/stacks/<env>/cdk.tf.json.
 *
 * Synth makes no network call and needs no `terraform` binary: the provider bindings are prebuilt
 * (@cdktf/provider-google), nothing is downloaded. Set CHECKPOINT_DISABLE=1 for the CLI so that it does not even
 * try its version check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { ensureFunctionSource } from '../scripts/build-functions';
import { createStacks } from '../toolkit/infra/app';
import { parseConfig } from '../toolkit/infra/config';

const root = path.resolve(__dirname, '..');
const envFile = path.join(root, '.env');
if (fs.existsSync(envFile)) process.loadEnvFile(envFile);

try {
  const config = parseConfig(process.env);
  const source = ensureFunctionSource({ root });
  if (source.rebuilt) console.log(`built ${path.relative(root, source.zipPath)} (${source.files.length} files, sha256 ${source.sha256})`);
  const app = new App();
  createStacks(app, config, source);
  app.synth();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
