import { idempotencyDatabaseId, serviceAccountId, sourceBucketName } from '../../toolkit/infra/names';

const ACCOUNT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

describe('serviceAccountId', () => {
  it('joins the function name and the role when that fits', () => {
    expect(serviceAccountId('dev-ai-inference-nlp', 'fn')).toBe('dev-ai-inference-nlp-fn');
  });

  it('keeps the environment and the stage, and hashes the middle, when the id would be too long', () => {
    const id = serviceAccountId('prod-ai-inference-language', 'push');
    expect(id).toMatch(/^prod-[0-9a-f]{4}-language-push$/);
    expect(id).toMatch(ACCOUNT_ID);
  });

  it('is deterministic and tells different names apart', () => {
    expect(serviceAccountId('prod-ai-inference-language', 'push')).toBe(serviceAccountId('prod-ai-inference-language', 'push'));
    expect(serviceAccountId('prod-ai-inference-language', 'push')).not.toBe(serviceAccountId('prod-ai-other-language', 'push'));
  });

  it.each([
    ['a', 'fn'],
    ['1st-stage', 'fn'],
    ['averyveryveryverylongsinglesegmentname', 'push'],
    ['Mixed_Case.Name', 'fn'],
  ])('always gives a valid id for %s/%s', (name, role) => {
    expect(serviceAccountId(name, role)).toMatch(ACCOUNT_ID);
  });
});

describe('sourceBucketName', () => {
  it('starts with the project id so it is globally unique', () => {
    expect(sourceBucketName('example-project', 'dev', 'ai-inference')).toBe('example-project-dev-ai-inference-source');
  });

  it('stays within 63 characters and avoids "google"', () => {
    const name = sourceBucketName('my-google-project-123456', 'staging-eu-west', 'ai-inference-pipeline-with-long-name');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).not.toMatch(/google|^goog/);
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
  });
});

describe('idempotencyDatabaseId', () => {
  const DATABASE_ID = /^[a-z][a-z0-9-]{2,61}[a-z0-9]$/;

  it('names the database after the environment and the pipeline', () => {
    expect(idempotencyDatabaseId('dev', 'ai-inference')).toBe('dev-ai-inference-idempotency');
    expect(idempotencyDatabaseId('', 'ai-inference')).toBe('ai-inference-idempotency');
  });

  it.each([
    ['abcdefghijklmnopqrst', 'a-very-long-pipeline-name-that-goes-on-and-on-and-on-forever'],
    ['p', '9-lives'],
    ['', 'Mixed_Case.Name'],
  ])('always gives a valid Firestore database id for %s/%s', (prefix, name) => {
    expect(idempotencyDatabaseId(prefix, name)).toMatch(DATABASE_ID);
  });
});
