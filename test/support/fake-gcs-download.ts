/**
 * A minimal fake of Cloud Storage's JSON API for downloads, bound to 127.0.0.1: there is no official GCS emulator on
 * these machines. It answers the two requests `@google-cloud/storage` makes to read an object when
 * `STORAGE_EMULATOR_HOST` points at it:
 *
 *   GET [/storage/v1]/b/<bucket>/o/<object>              → the object's metadata (JSON)
 *   GET [/storage/v1]/b/<bucket>/o/<object>?alt=media    → the object's bytes
 *
 * (the client drops the `/storage/v1` prefix when `STORAGE_EMULATOR_HOST` is a bare origin, and keeps it when the
 * variable includes it; both are accepted). Unknown buckets or objects get Google's 404 error body.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running fake. */
export interface FakeGcsDownload {
  /** `http://127.0.0.1:<port>`: the value for `STORAGE_EMULATOR_HOST`. */
  readonly host: string;
  /** Adds or replaces an object (a replacement gets a new generation, as in Cloud Storage). */
  put(bucket: string, object: string, contents: Buffer): void;
  /** Every request received, as `METHOD path?query`. */
  readonly requests: string[];
  close(): Promise<void>;
}

interface StoredObject {
  readonly contents: Buffer;
  readonly generation: string;
}

const OBJECT_PATH = /^(?:\/download)?(?:\/storage\/v1)?\/b\/([^/]+)\/o\/(.+)$/;

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeGcsDownload(): Promise<FakeGcsDownload> {
  const objects = new Map<string, StoredObject>();
  const requests: string[] = [];
  let generation = 1_700_000_000_000_000;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = OBJECT_PATH.exec(url.pathname);
    if (req.method !== 'GET' || !match) return send(res, 400, { error: { code: 400, message: `the fake serves only GET /b/<bucket>/o/<object>, not ${req.method} ${url.pathname}` } });
    const bucket = decodeURIComponent(match[1] as string);
    const name = decodeURIComponent(match[2] as string);
    const stored = objects.get(`${bucket}/${name}`);
    if (!stored) return send(res, 404, { error: { code: 404, message: `No such object: ${bucket}/${name}`, errors: [{ reason: 'notFound' }] } });
    if (url.searchParams.get('alt') === 'media') {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': stored.contents.length,
        'x-goog-generation': stored.generation,
        // The client checks the download against this hash, as it would against Cloud Storage.
        'x-goog-hash': `md5=${md5(stored.contents)}`,
      });
      res.end(stored.contents);
      return;
    }
    send(res, 200, {
      kind: 'storage#object',
      bucket,
      name,
      size: String(stored.contents.length),
      generation: stored.generation,
      md5Hash: md5(stored.contents),
      contentType: 'application/octet-stream',
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `http://127.0.0.1:${port}`,
    requests,
    put(bucket, object, contents) {
      generation += 1;
      objects.set(`${bucket}/${object}`, { contents, generation: String(generation) });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function md5(contents: Buffer): string {
  return createHash('md5').update(contents).digest('base64');
}
