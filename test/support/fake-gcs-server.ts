/**
 * A minimal stand-in for Cloud Storage's JSON API, for tests of code on `@google-cloud/storage` (found through
 * STORAGE_EMULATOR_HOST). There is no official Cloud Storage emulator, and no npm package that runs one in Node
 * (the registry has `mock-gcs`, which replaces the client library instead of answering its HTTP requests, so the
 * real client would go untested). This implements only what the claim check and the model loaders use:
 *
 *   POST /upload/storage/v1/b/<bucket>/o?uploadType=multipart|media&name=<object>[&ifGenerationMatch=0]
 *   GET  [/storage/v1]/b/<bucket>/o/<object>             object metadata
 *   GET  [/storage/v1]/b/<bucket>/o/<object>?alt=media   object data, with x-goog-hash (crc32c, md5)
 *
 * Resumable uploads are answered 501, so a client that switches to them fails loudly rather than silently. It
 * listens on 127.0.0.1 only, keeps objects in memory, and can be told to fail the next requests.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';

/** One stored object. */
export interface FakeObject {
  readonly data: Buffer;
  readonly contentType: string;
  readonly generation: number;
  readonly created: string;
}

/** One request the server answered, for assertions. */
export interface FakeGcsRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
}

/** A running fake. */
export interface FakeGcsServer {
  /** `http://127.0.0.1:<port>`: the value for STORAGE_EMULATOR_HOST. */
  readonly url: string;
  readonly requests: readonly FakeGcsRequest[];
  /** Buckets that exist; requests to any other answer 404. */
  createBucket(name: string): void;
  /** Objects by `bucket/object`. */
  readonly objects: Map<string, FakeObject>;
  /** Answers the next `count` requests with `status` (a transient failure by default). */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

const crc32c = (data: Buffer): string => {
  const hash = new CRC32C();
  hash.update(data);
  return hash.toString();
};
const md5 = (data: Buffer): string => createHash('md5').update(data).digest('base64');

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Splits a `multipart/related` body into its parts' headers and bodies. */
function multipartParts(body: Buffer, boundary: string): Array<{ headers: string; body: Buffer }> {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ headers: string; body: Buffer }> = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    let part = body.subarray(start + delimiter.length, next);
    if (part.subarray(0, 2).toString() === '\r\n') part = part.subarray(2);
    if (part.subarray(part.length - 2).toString() === '\r\n') part = part.subarray(0, part.length - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) parts.push({ headers: part.subarray(0, split).toString('utf8'), body: part.subarray(split + 4) });
    start = next;
  }
  return parts;
}

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeGcsServer(): Promise<FakeGcsServer> {
  const buckets = new Set<string>();
  const objects = new Map<string, FakeObject>();
  const requests: FakeGcsRequest[] = [];
  const failures: number[] = [];
  let generation = 1_700_000_000_000_000;

  const metadata = (bucket: string, name: string, object: FakeObject): Record<string, unknown> => ({
    kind: 'storage#object',
    id: `${bucket}/${name}/${object.generation}`,
    name,
    bucket,
    generation: String(object.generation),
    metageneration: '1',
    contentType: object.contentType,
    size: String(object.data.length),
    md5Hash: md5(object.data),
    crc32c: crc32c(object.data),
    timeCreated: object.created,
    updated: object.created,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): number => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
      res.end(text);
      return status;
    };
    const error = (status: number, message: string, reason: string): number => send(status, { error: { code: status, message, errors: [{ message, domain: 'global', reason }] } });
    const body = await readBody(req);
    const failure = failures.shift();
    if (failure !== undefined) return error(failure, `injected failure ${failure}`, 'backendError');

    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (upload && req.method === 'POST') {
      const bucket = decodeURIComponent(upload[1] as string);
      if (!buckets.has(bucket)) return error(404, `The specified bucket does not exist: ${bucket}`, 'notFound');
      const uploadType = url.searchParams.get('uploadType');
      let name = url.searchParams.get('name') ?? undefined;
      let data: Buffer;
      let contentType = req.headers['content-type'] ?? 'application/octet-stream';
      if (uploadType === 'multipart') {
        const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
        const parts = boundary ? multipartParts(body, boundary) : [];
        if (parts.length !== 2) return error(400, 'expected a multipart/related body with metadata and media', 'invalid');
        const meta = JSON.parse(parts[0]?.body.toString('utf8') || '{}') as { name?: string; contentType?: string };
        name = meta.name ?? name;
        data = parts[1]?.body ?? Buffer.alloc(0);
        contentType = meta.contentType ?? /content-type:\s*([^\r\n]+)/i.exec(parts[1]?.headers ?? '')?.[1] ?? 'application/octet-stream';
      } else if (uploadType === 'media') {
        data = body;
      } else {
        return error(501, `uploadType=${uploadType} is not implemented by this fake`, 'notImplemented');
      }
      if (!name) return error(400, 'Required parameter: name', 'required');
      const key = `${bucket}/${name}`;
      if (url.searchParams.get('ifGenerationMatch') === '0' && objects.has(key)) {
        return error(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
      }
      generation += 1;
      const object: FakeObject = { data, contentType, generation, created: new Date().toISOString() };
      objects.set(key, object);
      return send(200, metadata(bucket, name, object));
    }

    const get = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
    if (get && req.method === 'GET') {
      const bucket = decodeURIComponent(get[1] as string);
      const name = decodeURIComponent(get[2] as string);
      if (!buckets.has(bucket)) return error(404, `The specified bucket does not exist: ${bucket}`, 'notFound');
      const object = objects.get(`${bucket}/${name}`);
      if (!object) return error(404, `No such object: ${bucket}/${name}`, 'notFound');
      if (url.searchParams.get('alt') === 'media') {
        res.writeHead(200, {
          'content-type': object.contentType,
          'content-length': String(object.data.length),
          'x-goog-hash': `crc32c=${crc32c(object.data)},md5=${md5(object.data)}`,
          'x-goog-generation': String(object.generation),
          'x-goog-stored-content-length': String(object.data.length),
        });
        res.end(object.data);
        return 200;
      }
      return send(200, metadata(bucket, name, object));
    }
    return error(404, `${req.method} ${url.pathname} is not implemented by this fake`, 'notFound');
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    handle(req, res, url).then(
      (status) => requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), status }),
      (failure: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(failure));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    objects,
    createBucket: (name) => void buckets.add(name),
    failNext: (count, status = 503) => {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
