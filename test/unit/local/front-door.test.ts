import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFrontDoor, type FrontDoor } from '../../../toolkit/local/front-door';
import { freePort } from '../../../toolkit/local/ports';
import { waitUntil } from '../../../toolkit/local/processes';

/** A stage server stand-in on 127.0.0.1 that answers with `handler`. */
async function backend(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as AddressInfo).port };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('startFrontDoor (the local Google front end before a stage server)', () => {
  const opened: { close(): Promise<void> }[] = [];
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all([...opened.splice(0).map((door) => door.close()), ...servers.splice(0).map(close)]);
  });
  const open = async (targetPort: number, timeoutMillis = 2_000): Promise<FrontDoor> => {
    const door = await startFrontDoor({ targetPort, timeoutMillis });
    opened.push(door);
    return door;
  };

  it('forwards the request (method, path, headers, body) and the answer unchanged', async () => {
    const { server, port } = await backend((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => res.writeHead(201, { 'x-seen': `${req.method} ${req.url} ${req.headers['x-trace']}` }).end(`echo:${body}`));
    });
    servers.push(server);
    const door = await open(port);

    const response = await fetch(`${door.url}/push?x=1`, { method: 'POST', headers: { 'x-trace': 't1' }, body: 'hello' });

    expect(response.status).toBe(201);
    expect(response.headers.get('x-seen')).toBe('POST /push?x=1 t1');
    await expect(response.text()).resolves.toBe('echo:hello');
    expect(door.failures()).toEqual({ unavailable: 0, timedOut: 0 });
  });

  it('answers 503, naming the cause, while no server listens', async () => {
    const door = await open(await freePort());

    const response = await fetch(`${door.url}/`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(503);
    await expect(response.text()).resolves.toMatch(/instance is not running or crashed \(ECONNREFUSED\)/);
    expect(door.failures()).toEqual({ unavailable: 1, timedOut: 0 });
  });

  it('answers 503 when the server dies mid-request', async () => {
    const { server, port } = await backend((req) => req.socket.destroy());
    servers.push(server);
    const door = await open(port);

    const response = await fetch(`${door.url}/`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(503);
    expect(door.failures().unavailable).toBe(1);
  });

  it('answers 504 once the function timeout passes without an answer', async () => {
    const { server, port } = await backend(() => undefined);
    servers.push(server);
    const door = await open(port, 200);

    const response = await fetch(`${door.url}/`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(504);
    await expect(response.text()).resolves.toMatch(/did not answer within its timeout of 200 ms/);
    expect(door.failures()).toEqual({ unavailable: 0, timedOut: 1 });
  });

  it('tells when a request is in flight to the server, before it is answered', async () => {
    let answer: (() => void) | undefined;
    const { server, port } = await backend((_, res) => {
      answer = () => res.end('late');
    });
    servers.push(server);
    const door = await open(port);

    const inFlight = door.nextRequestInFlight();
    let settled = false;
    const response = fetch(door.url, { method: 'POST', body: 'x' }).finally(() => (settled = true));
    await inFlight;

    expect(settled).toBe(false);
    await waitUntil('the server got it', async () => answer !== undefined, { timeoutMillis: 2_000, intervalMillis: 5 });
    answer?.();
    await expect((await response).text()).resolves.toBe('late');
  });
});
