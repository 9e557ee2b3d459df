import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { FirestoreField } from '@cdktf/provider-google/lib/firestore-field';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Construct } from 'constructs';
import { ROLES } from '../roles';

/** Configuration of an `IdempotencyDatabase`. */
export interface IdempotencyDatabaseConfig {
  readonly project: string;
  /** Database id (`idempotencyDatabaseId` in cdktf/names.ts). */
  readonly name: string;
  /** A Firestore location; the functions' region keeps each claim a same-region round trip. */
  readonly locationId: string;
  /** The collection of the records: the TTL policy and index exemptions apply to it. */
  readonly collection: string;
  /** Let `terraform destroy` delete the database (dev); otherwise it is protected and only abandoned (prod). */
  readonly forceDestroy: boolean;
}

/** The record fields holding timestamps, written in increasing order; `expiresAt` first, the TTL field. */
const TIMESTAMP_FIELDS = ['expiresAt', 'claimedAt', 'leaseExpiresAt', 'completedAt'] as const;

/**
 * The Firestore database (native mode) holding the stages' idempotency records, one per environment.
 *
 * A database of its own rather than the project's `(default)`: that one may already exist in Datastore mode or
 * hold someone else's data, and a dedicated database lets the stages' access be limited to it.
 *
 * - TTL policy on `expiresAt`: Firestore deletes records some time after they expire (typically within a day;
 *   the store checks expiry itself, so the delay only costs storage).
 * - No single-field indexes on the timestamp fields: nothing queries them, and indexed values that only grow
 *   would cap the write rate of the collection (Firestore's guidance: about 500 writes/s for such a field).
 * - `allowReadWrite(member)` grants `roles/datastore.user`, the narrowest predefined role that reads and writes
 *   documents. Firestore accepts IAM on the project only, so the grant is on the project with an IAM condition
 *   that limits it to this database.
 */
export class IdempotencyDatabase extends Construct {
  readonly database: FirestoreDatabase;
  /** The database id, for the functions' IDEMPOTENCY_DATABASE. */
  readonly name: string;
  readonly collection: string;
  /** TTL policy and index exemptions, by field. */
  readonly fields: Readonly<Record<(typeof TIMESTAMP_FIELDS)[number], FirestoreField>>;
  /** One conditioned grant per member given access, by the id passed to `allowReadWrite`. */
  readonly grants: Record<string, ProjectIamMember> = {};
  private readonly project: string;
  private readonly databaseId: string;

  constructor(scope: Construct, id: string, config: IdempotencyDatabaseConfig) {
    super(scope, id);
    this.project = config.project;
    this.databaseId = config.name;
    this.collection = config.collection;
    this.database = new FirestoreDatabase(this, 'database', {
      project: config.project,
      name: config.name,
      locationId: config.locationId,
      type: 'FIRESTORE_NATIVE',
      // The store uses no transactions: every change is one write with a precondition, so nothing holds locks.
      concurrencyMode: 'OPTIMISTIC',
      appEngineIntegrationMode: 'DISABLED',
      deletionPolicy: config.forceDestroy ? 'DELETE' : 'ABANDON',
      deleteProtectionState: config.forceDestroy ? 'DELETE_PROTECTION_DISABLED' : 'DELETE_PROTECTION_ENABLED',
    });
    this.name = this.database.name;

    const fields: Partial<Record<(typeof TIMESTAMP_FIELDS)[number], FirestoreField>> = {};
    let previous: FirestoreField | undefined;
    for (const field of TIMESTAMP_FIELDS) {
      previous = new FirestoreField(this, `field-${field}`, {
        project: config.project,
        database: this.database.name,
        collection: config.collection,
        field,
        // An empty index config removes the field's automatic single-field indexes.
        indexConfig: {},
        ...(field === 'expiresAt' ? { ttlConfig: {} } : {}),
        // One field operation at a time: Firestore runs index changes of a database one after another and may
        // refuse concurrent ones.
        dependsOn: [previous ?? this.database],
      });
      fields[field] = previous;
    }
    this.fields = fields as Record<(typeof TIMESTAMP_FIELDS)[number], FirestoreField>;
  }

  /** Lets `member` read and write documents of this database only (see the class comment for why on the project). */
  allowReadWrite(id: string, member: string): ProjectIamMember {
    const grant = new ProjectIamMember(this, `access-${id}`, {
      project: this.project,
      role: ROLES.datastoreUser,
      member,
      condition: {
        title: `only ${this.databaseId}`,
        description: `Firestore access limited to the idempotency database ${this.databaseId}.`,
        expression: `resource.name == "projects/${this.project}/databases/${this.databaseId}"`,
      },
      dependsOn: [this.database],
    });
    this.grants[id] = grant;
    return grant;
  }
}
