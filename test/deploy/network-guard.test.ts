/**
 * The rehearsal's network guard: an install reaches the registry through it and nothing else, and what it refuses
 * is recorded. The last case is the reason it exists: without ONNXRUNTIME_NODE_INSTALL=skip, onnxruntime-node's
 * install script goes to NuGet for CUDA providers, as it would on Cloud Build.
 */
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { startNetworkGuard, type NetworkGuard } from '../../bench/rehearsal/network-guard';

jest.setTimeout(60_000);

/** Sends `CONNECT host:port` to the guard and resolves with the answer's status code. */
function connectThrough(guard: NetworkGuard, target: string): Promise<number> {
  const proxy = new URL(guard.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: proxy.hostname, port: Number(proxy.port), method: 'CONNECT', path: target });
    req.on('connect', (res: http.IncomingMessage, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Runs a Node script with only PATH and the guard's variables; resolves when it exits or after `timeoutMillis`. */
function runScript(script: string, env: Record<string, string>, timeoutMillis: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env['PATH'] ?? '', ...env }, detached: true, stdio: 'ignore' });
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMillis);
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('the rehearsal network guard', () => {
  let guard: NetworkGuard;

  beforeEach(async () => {
    guard = await startNetworkGuard(['127.0.0.1']);
  });

  afterEach(async () => {
    await guard.close();
  });

  it('refuses and records a tunnel to a host that is not the registry', async () => {
    // Act
    const status = await connectThrough(guard, 'api.nuget.org:443');

    // Assess
    expect(status).toBe(403);
    expect(guard.refused).toEqual(['api.nuget.org:443']);
    expect(guard.allowed).toEqual([]);
  });

  it('tunnels to an allowed host', async () => {
    // Prepare: a local stand-in for the registry.
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;

    // Act
    const status = await connectThrough(guard, `127.0.0.1:${port}`);
    server.close();

    // Assess
    expect(status).toBe(200);
    expect(guard.allowed).toEqual([`127.0.0.1:${port}`]);
    expect(guard.refused).toEqual([]);
  });

  it('catches onnxruntime-node reaching for NuGet without ONNXRUNTIME_NODE_INSTALL=skip, and nothing with it', async () => {
    // Prepare
    const script = path.resolve(__dirname, '../../node_modules/onnxruntime-node/script/install.js');

    // Act
    await runScript(script, { ...guard.env(), ONNXRUNTIME_NODE_INSTALL: 'skip' }, 20_000);
    const withSwitch = [...guard.refused];
    await runScript(script, guard.env(), 20_000);

    // Assess
    expect(withSwitch).toEqual([]);
    expect(guard.refused).toContain('api.nuget.org:443');
  });
});
