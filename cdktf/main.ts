/**
 * The CDKTF app (`cdktf.json` runs `npx tsx cdktf/main.ts`; `npm run synth`, `cdktf deploy dev`).
 *
 * 1. reads `.env` (variables already in the environment win) and parses the configuration, failing fast;
 * 2. builds the function source archive (scripts/build-functions.ts) if it is missing or stale; the build is
 *    deterministic, so an unchanged tree gives the same sha256 and object name, and nothing is redeployed;
 * 3. synthesises one stack per environment into cdktf.out/stacks/<env>/cdk.tf.json.
 *
 * Synth makes no network call: no provider download (the provider bindings are prebuilt), no checkpoint call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { ensureFunctionSource } from '../scripts/build-functions';
import { createStacks } from './app';
import { parseConfig } from './config';

// Terraform's and the CDKTF CLI's version check ("checkpoint") is the only outside call left; turn it off for
// anything this process starts. The CLI itself reads it from its own environment (see package.json "synth").
process.env['CHECKPOINT_DISABLE'] ??= '1';

const root = path.resolve(__dirname, '..');
const envFile = path.join(root, '.env');
if (fs.existsSync(envFile)) process.loadEnvFile(envFile);

try {
  const config = parseConfig(process.env);
  const source = ensureFunctionSource({ root });
  const app = new App();
  createStacks(app, config, source);
  app.synth();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
