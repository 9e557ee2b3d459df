/**
 * The CDKTF app's configuration, read once at the edge (`cdktf/main.ts`) from the environment and `.env`.
 *
 * Every setting `X` is looked up as `X_<ENV>` first (e.g. `GOOGLE_CLOUD_PROJECT_PROD`), then as `X`, so one
 * project can hold every environment and a separate production project is one variable away. The name prefix is
 * the exception: it is read only as `PIPELINE_PREFIX_<ENV>` (default: the environment's name), because the local
 * runner reads a plain `PIPELINE_PREFIX` of its own and one `.env` serves both.
 */
import { z } from 'zod';
import { PREFIX } from '../core/pipeline/names';
import { INFRA_DEFAULTS } from './defaults';
import { ENVIRONMENT_NAMES, type EnvironmentName } from './environments';

/** One environment's settings: everything a stack needs besides the pipeline topology and the function source. */
export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  /** Google Cloud project id. */
  readonly project: string;
  readonly region: string;
  /** Prefix of every resource name: `dev` makes `dev-<base name>`. */
  readonly prefix: string;
  /** Customer-managed key for topics and the source bucket, `projects/…/cryptoKeys/…`; absent for Google-managed. */
  readonly kmsKeyName?: string;
  /** Cloud Storage bucket holding Terraform state; absent for local state files. */
  readonly stateBucket?: string;
  /** E-mail address the alert policies notify; absent: incidents show in Cloud Monitoring only. */
  readonly alertEmail?: string;
  /** Alert when a stage's oldest unacknowledged message is older than this; absent: the default (monitoring-defaults.ts). */
  readonly oldestUnackedAlertSeconds?: number;
}

/** The whole app's configuration. */
export interface AppConfig {
  readonly environments: readonly EnvironmentConfig[];
  /** Prefix of the state objects in the state bucket. */
  readonly statePrefix: string;
}

/** Raised when the configuration is missing or invalid; the message names each variable and how to fix it. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid CDKTF configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSet these in the environment or in .env (see .env.example).`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The environment variables the app reads, with what they mean; `perEnvironmentOnly` skips the plain name. */
export const VARIABLES = {
  environments: { name: 'PIPELINE_ENVIRONMENTS', meaning: `comma-separated environments to synthesise (${ENVIRONMENT_NAMES.join(', ')})` },
  project: { name: 'GOOGLE_CLOUD_PROJECT', meaning: 'the Google Cloud project id to deploy to' },
  region: { name: 'GOOGLE_CLOUD_REGION', meaning: 'the region of the functions and the source bucket' },
  prefix: { name: 'PIPELINE_PREFIX', meaning: 'the prefix of every resource name', perEnvironmentOnly: true },
  kmsKeyName: { name: 'PIPELINE_KMS_KEY', meaning: 'a Cloud KMS key for topics and the source bucket (CMEK)' },
  stateBucket: { name: 'PIPELINE_STATE_BUCKET', meaning: 'the Cloud Storage bucket holding Terraform state' },
  alertEmail: { name: 'PIPELINE_ALERT_EMAIL', meaning: 'the e-mail address the alert policies notify' },
  oldestUnackedAlertSeconds: { name: 'PIPELINE_ALERT_OLDEST_UNACKED_SECONDS', meaning: 'the age in seconds of the oldest unacknowledged message that raises an alert' },
  statePrefix: { name: 'PIPELINE_STATE_PREFIX', meaning: 'the prefix of Terraform state objects in the state bucket' },
} as const;

type PerEnvironmentField = 'project' | 'region' | 'prefix' | 'kmsKeyName' | 'stateBucket' | 'alertEmail' | 'oldestUnackedAlertSeconds';

/** Google Cloud project ids: 6..30 characters. */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const KMS_KEY = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
/** Bucket names: 3..63 lowercase letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit. */
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

const EnvironmentSchema = z.object({
  name: z.enum(ENVIRONMENT_NAMES),
  project: z.string().regex(PROJECT_ID, { error: 'expected a Google Cloud project id: 6..30 lowercase letters, digits and hyphens, starting with a letter' }),
  region: z.string().regex(REGION, { error: 'expected a Google Cloud region such as us-central1' }),
  prefix: z.string().regex(PREFIX, { error: 'expected up to 20 lowercase letters, digits and hyphens, starting with a letter' }),
  kmsKeyName: z.string().regex(KMS_KEY, { error: 'expected projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>' }).optional(),
  stateBucket: z.string().regex(BUCKET, { error: 'expected a Cloud Storage bucket name (no gs://)' }).optional(),
  alertEmail: z.email({ error: 'expected an e-mail address such as oncall@example.com' }).optional(),
  // Pub/Sub reports the age once a minute; a week is longer than any retention worth alerting on.
  oldestUnackedAlertSeconds: z
    .string()
    .regex(/^[0-9]+$/, { error: 'expected a whole number of seconds, e.g. 600' })
    .transform(Number)
    .pipe(z.number().min(60, { error: 'expected at least 60 seconds' }).max(604_800, { error: 'expected at most 604800 seconds (7 days)' }))
    .optional(),
});

const EnvironmentListSchema = z.array(z.enum(ENVIRONMENT_NAMES, { error: `expected one of ${ENVIRONMENT_NAMES.join(', ')}` })).min(1, { error: 'expected at least one environment' });

/** `''` and whitespace mean unset, so `PIPELINE_KMS_KEY=` in .env turns CMEK off. */
function value(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

/** The variable names tried for a field of an environment, most specific first. */
function candidates(field: PerEnvironmentField, environment: string): string[] {
  const variable = VARIABLES[field];
  const specific = `${variable.name}_${environment.toUpperCase()}`;
  return 'perEnvironmentOnly' in variable && variable.perEnvironmentOnly ? [specific] : [specific, variable.name];
}

/**
 * Parses the app's configuration from an environment (`process.env` merged with `.env` in main.ts; a plain
 * object in tests). Throws a `ConfigError` listing every problem, each naming the variable to set.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const problems: string[] = [];
  const requested = (value(env, VARIABLES.environments.name)?.split(',') ?? [...INFRA_DEFAULTS.environments]).map((s) => s.trim()).filter(Boolean);
  const list = EnvironmentListSchema.safeParse([...new Set(requested)]);
  if (!list.success) {
    const issue = list.error.issues[0];
    problems.push(`${VARIABLES.environments.name}="${requested.join(',')}": ${issue?.message ?? 'invalid'}`);
    throw new ConfigError(problems);
  }

  const environments: EnvironmentConfig[] = [];
  for (const name of list.data) {
    const from: Partial<Record<PerEnvironmentField, string>> = {};
    const lookup = (field: PerEnvironmentField): string | undefined => {
      for (const variable of candidates(field, name)) {
        const found = value(env, variable);
        if (found !== undefined) {
          from[field] = variable;
          return found;
        }
      }
      return undefined;
    };
    const raw = {
      name,
      project: lookup('project'),
      region: lookup('region') ?? INFRA_DEFAULTS.region,
      prefix: lookup('prefix') ?? name,
      kmsKeyName: lookup('kmsKeyName'),
      stateBucket: lookup('stateBucket'),
      alertEmail: lookup('alertEmail'),
      oldestUnackedAlertSeconds: lookup('oldestUnackedAlertSeconds'),
    };
    const parsed = EnvironmentSchema.safeParse(raw);
    if (parsed.success) {
      environments.push(stripUndefined(parsed.data));
      continue;
    }
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as PerEnvironmentField;
      const names = candidates(field, name);
      if (raw[field] === undefined) {
        problems.push(`${names.join(' or ')} is not set: ${VARIABLES[field].meaning} (${name} stack)`);
      } else {
        problems.push(`${from[field] ?? names[0]}="${raw[field]}": ${issue.message}`);
      }
    }
  }

  // Two stacks with the same names in the same project would fight over the same resources.
  const seen = new Map<string, string>();
  for (const e of environments) {
    const key = `${e.project}/${e.prefix}`;
    const other = seen.get(key);
    if (other) {
      problems.push(`environments ${other} and ${e.name} both use project "${e.project}" with prefix "${e.prefix}"; set ${candidates('prefix', e.name)[0]} to tell them apart`);
    }
    seen.set(key, e.name);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return { environments, statePrefix: value(env, VARIABLES.statePrefix.name) ?? INFRA_DEFAULTS.statePrefix };
}

/** Optional fields that are unset are left out rather than present as `undefined` (snapshots stay clean). */
function stripUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}
