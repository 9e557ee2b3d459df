import { createHash } from 'node:crypto';
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidClaimCheckError } from './errors';

/** A parsed claim-check reference. */
export type ClaimCheckReference = { readonly scheme: 'gs'; readonly bucket: string; readonly object: string } | { readonly scheme: 'file'; readonly path: string };

/** Cloud Storage bucket names: 3..63 lowercase letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

/** Name of a payload's object below a store's root: `sha256/<hex>`. The same bytes always get the same name. */
export function contentName(data: Buffer): string {
  return `sha256/${sha256Hex(data)}`;
}

/** Hex SHA-256 of the bytes. */
export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const CONTENT_NAME = /(?:^|\/)sha256\/([0-9a-f]{64})$/;

/** The content hash a name promises (`…/sha256/<hex>`), or undefined for a name that promises none. */
export function promisedHash(name: string): string | undefined {
  return CONTENT_NAME.exec(name)?.[1];
}

/**
 * Parses `gs://bucket/object` or `file:///absolute/path`. Anything else is an `InvalidClaimCheckError` that says
 * what a reference looks like.
 */
export function parseReference(reference: string): ClaimCheckReference {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(reference)?.[1]?.toLowerCase();
  if (scheme === 'gs') {
    const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(reference);
    if (!match || !BUCKET_NAME.test(match[1] as string)) {
      throw new InvalidClaimCheckError(`claim check "${reference}" is not a valid Cloud Storage reference; expected gs://<bucket>/<object>`);
    }
    return { scheme: 'gs', bucket: match[1] as string, object: match[2] as string };
  }
  if (scheme === 'file') {
    let path: string;
    try {
      path = fileURLToPath(reference);
    } catch (error) {
      throw new InvalidClaimCheckError(`claim check "${reference}" is not a valid file URL (${(error as Error).message}); expected file:///<absolute path>`);
    }
    return { scheme: 'file', path };
  }
  throw new InvalidClaimCheckError(`claim check "${reference}" has ${scheme ? `the scheme "${scheme}:"` : 'no scheme'}; expected gs://<bucket>/<object> or file:///<path>`);
}

/** `gs://bucket/object`. */
export function gcsReference(bucket: string, object: string): string {
  return `gs://${bucket}/${object}`;
}

/** `file:///…` for an absolute path. */
export function fileReference(path: string): string {
  return pathToFileURL(path).href;
}

/** True when `path` is `root` itself or below it (both absolute and already resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
