import { z } from 'zod';
import { describeZodError } from '../runtime/push-body';
import { IDEMPOTENCY_DEFAULTS } from './defaults';

/** Where deduplication records are kept. */
export const IDEMPOTENCY_STORES = ['firestore', 'memory', 'none'] as const;
/** One of `IDEMPOTENCY_STORES`. */
export type IdempotencyStoreKind = (typeof IDEMPOTENCY_STORES)[number];

/** The environment variables of the store; the CDKTF stack sets them on every function. */
export const IDEMPOTENCY_ENV = {
  store: 'IDEMPOTENCY_STORE',
  windowSeconds: 'IDEMPOTENCY_WINDOW_SECONDS',
  collection: 'IDEMPOTENCY_COLLECTION',
  database: 'IDEMPOTENCY_DATABASE',
} as const;

/** `.env` files write unset variables as `NAME=`; treat empty as unset so the default applies. */
const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** Firestore collection ids: no `/`, not `.` or `..`, not `__…__` (reserved), at most 1500 bytes. */
const COLLECTION_ID = /^(?!\.\.?$)(?!__.*__$)[^/]{1,1500}$/;
/** Firestore database ids: `(default)`, or 4..63 lowercase letters, digits and hyphens starting with a letter. */
const DATABASE_ID = /^(\(default\)|[a-z][a-z0-9-]{2,61}[a-z0-9])$/;

/** The variables the idempotency store reads, once, at the edge (the stage's environment). */
export const idempotencyEnvSchema = z.object({
  [IDEMPOTENCY_ENV.store]: z.preprocess(unsetIfEmpty, z.enum(IDEMPOTENCY_STORES, { error: `IDEMPOTENCY_STORE must be one of ${IDEMPOTENCY_STORES.join(', ')}` }).optional()),
  [IDEMPOTENCY_ENV.windowSeconds]: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ error: 'IDEMPOTENCY_WINDOW_SECONDS must be a number of seconds' })
      .int('IDEMPOTENCY_WINDOW_SECONDS must be a whole number of seconds')
      .min(1, 'IDEMPOTENCY_WINDOW_SECONDS must be at least 1')
      .default(IDEMPOTENCY_DEFAULTS.windowSeconds),
  ),
  [IDEMPOTENCY_ENV.collection]: z.preprocess(
    unsetIfEmpty,
    z.string().regex(COLLECTION_ID, 'IDEMPOTENCY_COLLECTION must be a Firestore collection id: no "/", not "." or "..", not "__name__"').default(IDEMPOTENCY_DEFAULTS.collection),
  ),
  [IDEMPOTENCY_ENV.database]: z.preprocess(
    unsetIfEmpty,
    z.string().regex(DATABASE_ID, 'IDEMPOTENCY_DATABASE must be "(default)" or a Firestore database id (4..63 lowercase letters, digits, hyphens)').default(IDEMPOTENCY_DEFAULTS.database),
  ),
  /** `host:port` of the Firestore emulator; the client connects there, without TLS or credentials. */
  FIRESTORE_EMULATOR_HOST: z.preprocess(unsetIfEmpty, z.string().regex(/^[^:\s]+:\d{1,5}$/, 'FIRESTORE_EMULATOR_HOST must be host:port, e.g. 127.0.0.1:8080').optional()),
  /** Set by Cloud Run (and so Cloud Functions 2nd gen) on every instance: tells "deployed" from "local". */
  K_SERVICE: z.string().optional(),
});

/** The idempotency store's configuration. */
export interface IdempotencyConfig {
  readonly store: IdempotencyStoreKind;
  readonly windowSeconds: number;
  readonly collection: string;
  readonly database: string;
  /** The Firestore emulator to use instead of Firestore, when set. */
  readonly emulatorHost?: string;
}

/**
 * Parses the idempotency settings. `IDEMPOTENCY_STORE` defaults to `firestore` when the process runs on Cloud
 * Functions (K_SERVICE is set) or a Firestore emulator is configured (FIRESTORE_EMULATOR_HOST), and to `memory`
 * otherwise (a stage served by hand, without the emulator). `memory` is refused on Cloud Functions: instances
 * scale out and each would keep its own records, so duplicates would slip through unnoticed.
 */
export function parseIdempotencyConfig(env: NodeJS.ProcessEnv): IdempotencyConfig {
  const parsed = idempotencyEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid idempotency configuration: ${describeZodError(parsed.error)}`);
  const vars = parsed.data;
  const onCloud = Boolean(vars.K_SERVICE);
  const store = vars.IDEMPOTENCY_STORE ?? (onCloud || vars.FIRESTORE_EMULATOR_HOST ? 'firestore' : 'memory');
  if (store === 'memory' && onCloud) {
    throw new Error(
      'invalid idempotency configuration: IDEMPOTENCY_STORE=memory on Cloud Functions (K_SERVICE is set) would keep records per instance and miss duplicates; use firestore (or none to turn deduplication off)',
    );
  }
  return {
    store,
    windowSeconds: vars.IDEMPOTENCY_WINDOW_SECONDS,
    collection: vars.IDEMPOTENCY_COLLECTION,
    database: vars.IDEMPOTENCY_DATABASE,
    ...(vars.FIRESTORE_EMULATOR_HOST ? { emulatorHost: vars.FIRESTORE_EMULATOR_HOST } : {}),
  };
}
