import type { Request, Response } from '@google-cloud/functions-framework';

/** What a test gives to build a request. */
export interface FakeRequestInit {
  readonly body?: unknown;
  readonly path?: string;
  readonly method?: string;
  /** Header names are matched case-insensitively, as express does. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The part of express's `Request` that `createStageHandler` reads. */
export interface FakeRequest {
  readonly body: unknown;
  readonly path: string;
  readonly method: string;
  readonly originalUrl: string;
  header(name: string): string | undefined;
}

/** A request as functions-framework hands it over after body parsing. */
export function fakeRequest(init: FakeRequestInit = {}): FakeRequest {
  const headers = new Map(Object.entries(init.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const path = init.path ?? '/';
  return {
    body: init.body,
    path,
    method: init.method ?? 'POST',
    originalUrl: path,
    header: (name) => headers.get(name.toLowerCase()),
  };
}

/** The part of express's `Response` the handler uses, recording what it was told. */
export class FakeResponse {
  statusCode: number | undefined;
  body: unknown;
  ended = false;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  json(body: unknown): this {
    this.body = body;
    this.ended = true;
    return this;
  }

  end(): this {
    this.ended = true;
    return this;
  }
}

/** Anything with express's `(req, res)` shape, e.g. a `StageHandler`. */
export type HttpHandler = (req: Request, res: Response) => Promise<void>;

/** Calls `handler` with a fake request and resolves with the response it produced. */
export async function send(handler: HttpHandler, init: FakeRequestInit): Promise<FakeResponse> {
  const res = new FakeResponse();
  await handler(fakeRequest(init) as unknown as Request, res as unknown as Response);
  return res;
}
