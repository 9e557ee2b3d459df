import type { PipelineDefinition } from '../../../toolkit/core/pipeline/types';
import { definition as pipeline } from '../../fixtures/pipelines/help-desk';

/**
 * Overrides of a pipeline definition: objects are merged key by key, arrays and scalars replace, and `null`
 * (or an explicit `undefined`) removes the key. This is the shape the JSON fixtures use.
 */
export type DefinitionOverrides = { readonly [key: string]: unknown };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: unknown, overrides: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null || value === undefined) delete out[key];
    else if (isPlainObject(value)) out[key] = merge(out[key], value);
    else out[key] = value;
  }
  return out;
}

/**
 * The toolkit tests' own pipeline, the help desk (test/fixtures/pipelines/help-desk.ts), with `overrides` applied,
 * as a fresh deep copy (the fixture is never mutated). It is the help desk rather than the example in functions/ so
 * that the toolkit's tests do not change when the example does.
 * The result is typed as a definition but not checked: building invalid definitions is the point.
 */
export function definition(overrides: DefinitionOverrides = {}): PipelineDefinition {
  const base = structuredClone(pipeline) as unknown;
  return merge(base, overrides as Record<string, unknown>) as unknown as PipelineDefinition;
}
