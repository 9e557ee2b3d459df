import { z } from 'zod';
import { describeZodError } from '../runtime/push-body';
import type { StageDefinition } from '../runtime/stage-definition';
import type { StageModule } from './define-stage';

/** The shape a stage module's default export must have; checked when the module is loaded. */
const stageModuleSchema = z.object({
  stages: z.array(z.string()).min(1),
  input: z.custom<z.ZodType>((value) => value instanceof z.ZodType || (typeof value === 'object' && value !== null && 'safeParse' in value), 'a zod schema'),
  output: z.custom<z.ZodType>((value) => value instanceof z.ZodType || (typeof value === 'object' && value !== null && 'safeParse' in value), 'a zod schema'),
  expects: z.string().min(1),
  loadDependencies: z.custom<(...args: unknown[]) => unknown>((value) => typeof value === 'function', 'a function'),
  handle: z.custom<(...args: unknown[]) => unknown>((value) => typeof value === 'function', 'a function'),
});

/**
 * The stage `key` from a loaded module's exports: its default export (made with `defineStage`), checked, with its
 * key filled in. Errors say which module and what was expected.
 */
export function stageFromModule(exports: unknown, key: string, where: string): StageDefinition<unknown, unknown, unknown> {
  const candidate = typeof exports === 'object' && exports !== null && 'default' in exports ? (exports as { default: unknown }).default : undefined;
  if (candidate === undefined) {
    throw new Error(`stage "${key}": module ${where} has no default export; expected \`export default defineStage(definition, '${key}', {...})\``);
  }
  const parsed = stageModuleSchema.safeParse(candidate);
  if (!parsed.success) throw new Error(`stage "${key}": the default export of ${where} is not a stage (${describeZodError(parsed.error)}); make it with defineStage`);
  const module = candidate as StageModule;
  if (!module.stages.includes(key)) {
    throw new Error(`stage "${key}": module ${where} is declared for stage(s) ${module.stages.join(', ')}, not "${key}"; add "${key}" to its defineStage keys`);
  }
  const { stages: _stages, ...stage } = module;
  return { ...stage, stage: key } as StageDefinition<unknown, unknown, unknown>;
}
