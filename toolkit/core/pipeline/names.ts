/**
 * Google Cloud's naming rules for the resources the pipeline creates, checked at compile time because the
 * emulator accepts names Google Cloud refuses.
 */

/** Topic and subscription names: 3..255 chars, start with a letter, no `goog` prefix. */
export const PUBSUB_RESOURCE_NAME = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;

/** Cloud Functions (2nd gen) names: lowercase letters, digits and hyphens, start with a letter, at most 63. */
export const FUNCTION_NAME = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Environment prefixes: short, so every derived name stays within the limits above. */
export const PREFIX = /^(?:[a-z][a-z0-9-]{0,19})?$/;

/** Label keys and values (Resource Manager rules). */
export const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
/** Label values may be empty. */
export const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/** Why Pub/Sub would refuse this resource name, or `undefined` if it would accept it. */
export function pubsubNameProblem(name: string): string | undefined {
  if (name.toLowerCase().startsWith('goog')) return 'must not start with "goog"';
  if (!PUBSUB_RESOURCE_NAME.test(name)) {
    return 'expected 3..255 characters, starting with a letter, of letters, digits and - _ . ~ + %';
  }
  return undefined;
}

/** Why Pub/Sub would refuse this attribute key, or `undefined` if it would accept it. */
export function attributeKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (Buffer.byteLength(key, 'utf8') > 256) return 'must be at most 256 bytes';
  if (key.toLowerCase().startsWith('goog')) return 'must not start with "goog" (reserved by Google)';
  return undefined;
}

/** `myStageName` → `my-stage-name`. */
export function kebab(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/_/g, '-').toLowerCase();
}

/** Joins an environment prefix and a base name: `dev` + `x` → `dev-x`; no prefix → `x`. */
export function prefixed(prefix: string, name: string): string {
  return prefix ? `${prefix}-${name}` : name;
}
