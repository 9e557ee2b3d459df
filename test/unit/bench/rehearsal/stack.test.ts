import * as path from 'node:path';
import { memoryBytes, readStack, resolveServiceEnv, StackReadError } from '../../../../bench/rehearsal/stack';

const FIXTURE = path.resolve(__dirname, '../../../fixtures/rehearsal/stack');

describe('readStack', () => {
  it('reads a function with its build and service settings, its archive and the push subscription feeding it', () => {
    // Act
    const plan = readStack(FIXTURE);

    // Assess
    expect(plan.project).toBe('fixture-project');
    expect(plan.topics).toEqual(['dev-in', 'dev-out']);
    expect(plan.functions).toHaveLength(1);
    expect(plan.functions[0]).toMatchObject({
      name: 'dev-stage-a',
      entryPoint: 'a',
      runtime: 'nodejs22',
      buildEnv: { ONNXRUNTIME_NODE_INSTALL: 'skip' },
      availableMemory: '512Mi',
      availableMemoryBytes: 512 * 1024 ** 2,
      archivePath: path.join(FIXTURE, 'assets/archive/function-source.zip'),
      push: { name: 'dev-stage-a-push', topic: 'dev-in', endpointPath: '/projects/fixture-project/topics/dev-in', filter: 'attributes.lang = "en"' },
    });
  });
});

describe('resolveServiceEnv', () => {
  it('replaces the Firestore database by its name and the claim-check bucket by a local directory', () => {
    // Prepare
    const plan = readStack(FIXTURE);

    // Act
    const env = resolveServiceEnv(plan, plan.functions[0]!, { claimCheckDir: '/tmp/claims' });

    // Assess
    expect(env).toEqual({ GOOGLE_CLOUD_PROJECT: 'fixture-project', PIPELINE_STAGE: 'a', IDEMPOTENCY_DATABASE: 'dev-idempotency', CLAIM_CHECK_DIR: '/tmp/claims' });
  });

  it('refuses a reference it has no local equivalent for, naming it', () => {
    // Prepare
    const plan = readStack(FIXTURE);
    const fn = { ...plan.functions[0]!, serviceEnv: { SECRET: '${google_secret_manager_secret.x.id}' } };

    // Act / Assess
    expect(() => resolveServiceEnv(plan, fn, { claimCheckDir: '/tmp/claims' })).toThrow(new StackReadError('dev-stage-a: no local equivalent for SECRET=${google_secret_manager_secret.x.id}; add one to resolveServiceEnv (bench/rehearsal/stack.ts)'));
  });
});

describe('memoryBytes', () => {
  it.each([
    ['512Mi', 512 * 1024 ** 2],
    ['1Gi', 1024 ** 3],
    ['2G', 2e9],
  ])('%s is %d bytes', (quantity, bytes) => {
    expect(memoryBytes(quantity)).toBe(bytes);
  });

  it('refuses a quantity Cloud Run would not read', () => {
    expect(() => memoryBytes('lots')).toThrow(StackReadError);
  });
});
