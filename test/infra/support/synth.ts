/**
 * Helpers for the infra tests: the fixture configuration, a stand-in function archive, and readers for the
 * synthesised Terraform JSON (resources by type, `${type.name.attr}` references resolved to resources).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { createStacks } from '../../../toolkit/infra/app';
import { type AppConfig, type EnvironmentConfig, parseConfig } from '../../../toolkit/infra/config';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import type { CompiledTopology } from '../../../toolkit/core/pipeline/topology';
import type { FunctionSourceRef, PipelineStack } from '../../../toolkit/infra/stacks/pipeline-stack';
import { pipeline } from '../../../functions/pipeline';
import environmentFixture from '../../fixtures/infra/environment.json';
import functionSourceFixture from '../../fixtures/infra/function-source.json';

/** A synthesised resource body: whatever the provider's JSON holds. */
export type Body = Record<string, unknown>;

/** The parts of a synthesised stack the tests read. */
export interface SynthJson {
  readonly resource?: Record<string, Record<string, Body>>;
  readonly data?: Record<string, Record<string, Body>>;
  readonly output?: Record<string, { value: unknown; description?: string }>;
  readonly provider?: Record<string, Body[]>;
  readonly terraform?: Body;
}

/** One resource with its type and logical id. */
export interface Found {
  readonly type: string;
  readonly id: string;
  readonly body: Body;
}

/** The fixture environment (as `.env` would hold it). */
export const FIXTURE_ENV: Readonly<Record<string, string>> = environmentFixture;

/** The fixture configuration: dev and prod, prod with CMEK and a state bucket. */
export function fixtureConfig(): AppConfig {
  return parseConfig(FIXTURE_ENV);
}

/**
 * Writes a stand-in function archive (once per content: its folder is named after its sha256, so repeated runs
 * reuse it instead of filling the temporary directory). The constructs only upload the file; the real archives
 * are built and synthesised by the deploy tests.
 */
export function fixtureFunctionSource(): FunctionSourceRef {
  const zip = Buffer.from(JSON.stringify(functionSourceFixture.files));
  const sha256 = createHash('sha256').update(zip).digest('hex');
  const zipPath = path.join(os.tmpdir(), `infra-test-${sha256.slice(0, 16)}`, 'function-source.zip');
  if (!fs.existsSync(zipPath)) {
    // Test files run in parallel workers: write aside, then rename, so no reader sees a half-written zip.
    fs.mkdirSync(path.dirname(zipPath), { recursive: true });
    const partial = `${zipPath}.${process.pid}`;
    fs.writeFileSync(partial, zip);
    fs.renameSync(partial, zipPath);
  }
  return { zipPath, sha256 };
}

/** The app's stacks for a configuration, built on a test app. */
export function fixtureStacks(config: AppConfig = fixtureConfig(), source: FunctionSourceRef = fixtureFunctionSource()): PipelineStack[] {
  return createStacks(Testing.app(), pipeline, config, Object.fromEntries(pipeline.stageKeys.map((key) => [key, source])));
}

/** One environment's synthesised stack beside the topology compiled for it independently of the app's wiring. */
export interface StackCase {
  readonly environment: EnvironmentConfig;
  readonly topology: CompiledTopology;
  readonly json: SynthJson;
}

/** Every fixture environment's stack, synthesised once, with `compileTopology` of the pipeline for it. */
export function stackCases(config: AppConfig = fixtureConfig()): StackCase[] {
  const stacks = fixtureStacks(config);
  return config.environments.map((environment, i) => ({
    environment,
    topology: compileTopology(pipeline.definition, { project: environment.project, prefix: environment.prefix, labels: { env: environment.name } }),
    json: parse(Testing.synth(stacks[i] as PipelineStack)),
  }));
}

/** Synthesises a stack (or a scope, via `Testing.synthScope`'s string) to parsed JSON. */
export function parse(synthesised: string): SynthJson {
  return JSON.parse(synthesised) as SynthJson;
}

/** Every resource of a type. */
export function resources(json: SynthJson, type: string): Found[] {
  return Object.entries(json.resource?.[type] ?? {}).map(([id, body]) => ({ type, id, body }));
}

/** Every resource of every type. */
export function allResources(json: SynthJson): Found[] {
  return Object.keys(json.resource ?? {}).flatMap((type) => resources(json, type));
}

/** The only resource of a type, failing the test if there is not exactly one. */
export function only(json: SynthJson, type: string): Body {
  const found = resources(json, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return (found[0] as Found).body;
}

const REFERENCE = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_.[\]]+)\}$/;

/** A parsed `${type.id.attribute}` reference. */
export interface Reference {
  readonly data: boolean;
  readonly type: string;
  readonly id: string;
  readonly attribute: string;
}

/** Parses a whole-string reference, or returns undefined for a literal. */
export function reference(value: unknown): Reference | undefined {
  if (typeof value !== 'string') return undefined;
  const match = REFERENCE.exec(value);
  if (!match) return undefined;
  return { data: Boolean(match[1]), type: match[2] as string, id: match[3] as string, attribute: match[4] as string };
}

/** The resource a `${type.id.attribute}` reference points to; throws if it points nowhere. */
export function target(json: SynthJson, value: unknown): Found {
  const ref = reference(value);
  if (!ref) throw new Error(`expected a reference, got ${JSON.stringify(value)}`);
  const body = (ref.data ? json.data : json.resource)?.[ref.type]?.[ref.id];
  if (!body) throw new Error(`reference ${String(value)} points to no ${ref.type}`);
  return { type: ref.type, id: ref.id, body };
}

/** Every string anywhere in a JSON value, with its path. */
export function strings(value: unknown, at = '$'): Array<{ path: string; value: string }> {
  if (typeof value === 'string') return [{ path: at, value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, `${at}.${k}`));
  return [];
}
