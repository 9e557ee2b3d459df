/**
 * Each stage deploys its own archive; stages that run one module share one uploaded object; a stage's settings
 * from the definition reach its function's environment.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Testing } from 'cdktf';
import { createPipeline, type PipelineDefinition } from '../../../toolkit/core';
import { createStacks } from '../../../toolkit/infra/app';
import type { FunctionSourceRef } from '../../../toolkit/infra/stacks/pipeline-stack';
import { pipeline as example } from '../../../functions/pipeline';
import { fixtureConfig, parse, resources, target, type Body } from '../support/synth';

/** A stand-in archive per module: distinct bytes, so distinct sha256, for distinct modules. */
function archiveFor(module: string): FunctionSourceRef {
  const data = Buffer.from(`archive of ${module}`);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const zipPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'archives-test-')), `${sha256}.zip`);
  fs.writeFileSync(zipPath, data);
  return { zipPath, sha256 };
}

describe('per-stage function archives', () => {
  // Prepare: the example pipeline with a setting on onnx, and one archive per stage module.
  const definition: PipelineDefinition = {
    ...example.definition,
    stages: { ...example.definition.stages, onnx: { ...example.definition.stages.onnx, environment: { ONNX_MODEL_URI: 'gs://models/cls.onnx' } } },
  };
  const pipeline = createPipeline({ definition, file: example.file, root: example.root });
  const byModule = new Map<string, FunctionSourceRef>();
  const sources = Object.fromEntries(
    pipeline.stageKeys.map((key) => {
      const module = pipeline.stageModulePath(key);
      if (!byModule.has(module)) byModule.set(module, archiveFor(module));
      return [key, byModule.get(module) as FunctionSourceRef];
    }),
  );
  // Act
  const [dev] = createStacks(Testing.app(), pipeline, fixtureConfig(), sources);
  const json = parse(Testing.synth(dev!));
  const functions = resources(json, 'google_cloudfunctions2_function');

  it('uploads one object per distinct archive, named by its sha256', () => {
    const objects = resources(json, 'google_storage_bucket_object');
    expect(objects).toHaveLength(byModule.size);
    expect(objects.map((o) => String(o.body['name'])).sort()).toEqual([...byModule.values()].map((s) => `function-source/${s.sha256}.zip`).sort());
  });

  it("points each function at its own stage's archive", () => {
    for (const fn of functions) {
      const entryPoint = String((fn.body['build_config'] as Body)['entry_point']);
      const key = pipeline.stageKeys.find((k) => pipeline.definition.stages[k]?.entryPoint === entryPoint) as string;
      const object = target(json, ((fn.body['build_config'] as Body)['source'] as { storage_source: Body }).storage_source['object']);
      expect(object.body['name']).toBe(`function-source/${sources[key]!.sha256}.zip`);
    }
    expect(functions).toHaveLength(pipeline.stageKeys.length);
  });

  it("gives a stage's settings from the definition to its function, and only to it", () => {
    const envOf = (entryPoint: string): Record<string, string> =>
      (functions.find((fn) => (fn.body['build_config'] as Body)['entry_point'] === entryPoint)!.body['service_config'] as Body)['environment_variables'] as Record<string, string>;
    expect(envOf('onnx')['ONNX_MODEL_URI']).toBe('gs://models/cls.onnx');
    expect(envOf('ocr')['ONNX_MODEL_URI']).toBeUndefined();
  });
});
