/**
 * The deployable environments: one CDKTF stack each, named after the environment (`cdktf deploy dev`). What varies
 * between them beyond project, region and prefix (which come from the environment variables) lives here.
 */
export const ENVIRONMENTS = {
  dev: {
    description: 'Development: may be torn down with everything in it.',
    /** `cdktf destroy` empties the source bucket instead of failing on it. */
    forceDestroy: true,
  },
  prod: {
    description: 'Production: a bucket that still holds objects is never deleted by Terraform.',
    forceDestroy: false,
  },
} as const;

/** Name of a deployable environment. */
export type EnvironmentName = keyof typeof ENVIRONMENTS;

/** Names of every deployable environment. */
export const ENVIRONMENT_NAMES = Object.keys(ENVIRONMENTS) as EnvironmentName[];
