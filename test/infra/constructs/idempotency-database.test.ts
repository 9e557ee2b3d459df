import 'cdktf/lib/testing/adapters/jest';
import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { Testing } from 'cdktf';
import { IdempotencyDatabase, type IdempotencyDatabaseConfig } from '../../../toolkit/infra/constructs/idempotency-database';
import { type Body, parse, resources } from '../support/synth';

Testing.setupJest();

describe('IdempotencyDatabase', () => {
  const config: IdempotencyDatabaseConfig = {
    project: 'example-project',
    name: 'dev-ai-inference-idempotency',
    locationId: 'europe-west1',
    collection: 'idempotency',
    forceDestroy: true,
  };
  const synth = (overrides: Partial<IdempotencyDatabaseConfig> = {}, members: Record<string, string> = {}): string =>
    Testing.synthScope((scope) => {
      const database = new IdempotencyDatabase(scope, 'idempotency', { ...config, ...overrides });
      for (const [id, member] of Object.entries(members)) database.allowReadWrite(id, member);
    });

  it('creates a native-mode database of its own in the functions\' region', () => {
    expect(synth()).toHaveResourceWithProperties(FirestoreDatabase, {
      project: 'example-project',
      name: 'dev-ai-inference-idempotency',
      location_id: 'europe-west1',
      type: 'FIRESTORE_NATIVE',
      app_engine_integration_mode: 'DISABLED',
    });
  });

  it('lets dev be destroyed and protects prod', () => {
    const [dev] = resources(parse(synth({ forceDestroy: true })), 'google_firestore_database');
    const [prod] = resources(parse(synth({ forceDestroy: false })), 'google_firestore_database');
    expect(dev?.body).toMatchObject({ deletion_policy: 'DELETE', delete_protection_state: 'DELETE_PROTECTION_DISABLED' });
    expect(prod?.body).toMatchObject({ deletion_policy: 'ABANDON', delete_protection_state: 'DELETE_PROTECTION_ENABLED' });
  });

  it('puts a TTL policy on expiresAt of the records\' collection, and indexes none of the timestamps', () => {
    const fields = resources(parse(synth()), 'google_firestore_field');
    const ttl = fields.filter((f) => f.body['ttl_config'] !== undefined);
    expect(ttl.map((f) => [f.body['collection'], f.body['field']])).toEqual([['idempotency', 'expiresAt']]);
    expect(fields.map((f) => f.body['field']).sort()).toEqual(['claimedAt', 'completedAt', 'expiresAt', 'leaseExpiresAt']);
    for (const field of fields) {
      expect(field.body['index_config']).toEqual({});
      expect(String(field.body['database'])).toMatch(/^\$\{google_firestore_database\./);
    }
  });

  it('applies one field change at a time', () => {
    const fields = resources(parse(synth()), 'google_firestore_field');
    const dependencies = fields.map((f) => (f.body['depends_on'] as string[] | undefined) ?? []);
    for (const dependsOn of dependencies) expect(dependsOn).toHaveLength(1);
    // A chain: every field but the first waits for another field.
    expect(dependencies.filter((d) => d[0]?.startsWith('google_firestore_field.')).length).toBe(fields.length - 1);
  });

  it('grants datastore.user on the project, conditioned to this database only', () => {
    const json = parse(synth({}, { language: 'serviceAccount:fn-language@example-project.iam.gserviceaccount.com' }));
    const grants = resources(json, 'google_project_iam_member');
    expect(grants).toHaveLength(1);
    expect(grants[0]?.body).toMatchObject({
      project: 'example-project',
      role: 'roles/datastore.user',
      member: 'serviceAccount:fn-language@example-project.iam.gserviceaccount.com',
    });
    expect((grants[0]?.body['condition'] as Body)['expression']).toBe('resource.name == "projects/example-project/databases/dev-ai-inference-idempotency"');
  });
});
