/**
 * A forward proxy that lets an install reach the npm registry and nothing else, and records every attempt. The
 * install runs with HTTP(S)_PROXY (npm) and GLOBAL_AGENT_HTTP(S)_PROXY (global-agent, which onnxruntime-node's
 * install script bootstraps) pointing here, so a download an install script tries on Cloud Build (CUDA providers
 * from NuGet, a prebuilt binary from GitHub) shows up as a refused host instead of passing unnoticed.
 *
 * A package that opens sockets without honouring the proxy variables would bypass it; this machine has no route
 * to the internet anyway, so such an attempt fails the install instead.
 */
import * as http from 'node:http';
import * as net from 'node:net';

/** What went through the proxy. */
export interface NetworkGuard {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `host:port` of every tunnel opened (allowed hosts only). */
  readonly allowed: readonly string[];
  /** `host:port` or URL of every refused request. */
  readonly refused: readonly string[];
  /** The environment that routes an install through the proxy. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** Starts the proxy; `allowedHosts` are host names (the registry's), any port. */
export async function startNetworkGuard(allowedHosts: readonly string[]): Promise<NetworkGuard> {
  const allowed: string[] = [];
  const refused: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    // Plain-HTTP proxy requests: never needed by the registry (https).
    refused.push(req.url ?? '<no url>');
    res.writeHead(403).end('refused by the rehearsal network guard\n');
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const target = req.url ?? '';
    const [host, port] = target.split(':');
    if (!host || !allowedHosts.includes(host)) {
      refused.push(target);
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    allowed.push(target);
    const upstream = net.connect(Number(port || 443), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    allowed,
    refused,
    env: () => ({
      HTTPS_PROXY: url,
      HTTP_PROXY: url,
      https_proxy: url,
      http_proxy: url,
      npm_config_https_proxy: url,
      npm_config_proxy: url,
      npm_config_noproxy: '',
      GLOBAL_AGENT_HTTPS_PROXY: url,
      GLOBAL_AGENT_HTTP_PROXY: url,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
