import type { PubSub } from '@google-cloud/pubsub';
import { startLocalPipeline, type LocalPipeline, type LocalPipelineOptions } from '../../toolkit/local/runner';
import type { CompiledTopology } from '../../toolkit/core/pipeline/topology';
import type { Pipeline } from '../../toolkit/core/pipeline-app/create-pipeline';
import { pipeline as example } from '../../functions/pipeline';
import { emulatorClient, emulatorHost, uniqueProject } from './emulator';
import { firestoreEmulatorHost } from './firestore';

/** The local pipeline of one test file and a Pub/Sub client on its project; read them inside tests. */
export interface TestPipeline {
  readonly local: LocalPipeline;
  readonly pubsub: PubSub;
}

/**
 * Runs the local pipeline for the test file that calls it (at the top of a `describe`): started before its tests
 * on the test run's Pub/Sub and Firestore emulators in a project of its own, stopped after them. The example
 * pipeline unless `options.pipeline` says otherwise.
 */
export function useLocalPipeline(name: string, options: Omit<LocalPipelineOptions, 'project' | 'pipeline'> & { readonly pipeline?: Pipeline } = {}): TestPipeline {
  let local: LocalPipeline | undefined;
  let pubsub: PubSub | undefined;
  beforeAll(async () => {
    local = await startLocalPipeline({ emulatorHost: emulatorHost(), firestoreHost: firestoreEmulatorHost(), ...options, pipeline: options.pipeline ?? example, project: uniqueProject(name) });
    pubsub = emulatorClient(local.topology.project);
  });
  afterAll(async () => {
    await pubsub?.close();
    await local?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error(`the local pipeline "${name}" is not running (its beforeAll failed, or it is read outside a test)`);
    return value;
  };
  return {
    get local() {
      return started(local);
    },
    get pubsub() {
      return started(pubsub);
    },
  };
}

/** Where the tests publish and what they watch, by the names the pipeline definition gives them. */
export function pipelineEnds(topology: CompiledTopology): { readonly ingress: string; readonly results: string; readonly deadLetters: string } {
  const results = topology.resultsSubscription;
  if (!results) throw new Error('the pipeline definition names no results subscription');
  return {
    ingress: topology.topics[topology.ingress]!.name,
    results: topology.subscriptions[results]!.name,
    deadLetters: topology.subscriptions[topology.deadLetterSubscription]!.name,
  };
}
