import { createPipeline } from '../toolkit/core';
import { pipeline as example } from '../functions/pipeline';
import type { PipelineDefinition } from '../toolkit/core';
import { TEXT_PATH_STAGES } from './report';

/**
 * A pipeline cut down to its text path (the stages in `TEXT_PATH_STAGES`, the topics they read and write,
 * and the subscriptions on those), with every name unchanged. The image branch is left out because the emulator
 * ignores subscription filters: its first stage would receive (and filter out) every text message, load that
 * Google Cloud never delivers.
 */
export function textPathDefinition(definition: PipelineDefinition): PipelineDefinition {
  const stageKeys = Object.keys(definition.stages).filter((key) => (TEXT_PATH_STAGES as readonly string[]).includes(key));
  const stages = Object.fromEntries(stageKeys.map((key) => [key, definition.stages[key]]));
  const topicKeys = new Set<string>([definition.ingress, definition.deadLetter]);
  for (const key of stageKeys) {
    const stage = definition.stages[key];
    if (!stage) continue;
    topicKeys.add(stage.consumes);
    for (const route of stage.routes) topicKeys.add(route.to);
  }
  const topics = Object.fromEntries(Object.entries(definition.topics).filter(([key]) => topicKeys.has(key)));
  const subscriptions = Object.fromEntries(Object.entries(definition.subscriptions).filter(([, spec]) => topicKeys.has(spec.topic)));
  return { ...definition, topics, stages, subscriptions } as PipelineDefinition;
}

/**
 * The example pipeline's text path as a pipeline of its own, for the pipeline benchmark: its stage servers and
 * workers load it from this file, and find the example's stage modules from the example's folder.
 */
export const pipeline = createPipeline({ definition: textPathDefinition(example.definition), file: __filename, root: example.root });
