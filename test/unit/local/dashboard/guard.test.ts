import { createRequestGuard } from '../../../../toolkit/local/dashboard/guard';

const TOKEN = 'x'.repeat(43);
const ok = { host: '127.0.0.1:8790', origin: 'http://127.0.0.1:8790', 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' };

describe('dashboard request guard', () => {
  const guard = createRequestGuard(8790, TOKEN);

  it('lets the dashboard\'s own page replay', () => {
    expect(guard.writeProblem(ok, TOKEN)).toBeUndefined();
    expect(guard.writeProblem({ ...ok, host: 'localhost:8790', origin: 'http://localhost:8790' }, TOKEN)).toBeUndefined();
  });

  it.each([
    ['another origin', { ...ok, origin: 'http://evil.example' }, TOKEN, /Origin "http:\/\/evil.example"/],
    ['no origin', { ...ok, origin: undefined }, TOKEN, /Origin "\(none\)"/],
    ['another port of loopback', { ...ok, origin: 'http://127.0.0.1:9999' }, TOKEN, /Origin/],
    ['a cross-site fetch', { ...ok, 'sec-fetch-site': 'cross-site' }, TOKEN, /Sec-Fetch-Site "cross-site"/],
    ['a form post (not JSON)', { ...ok, 'content-type': 'application/x-www-form-urlencoded' }, TOKEN, /JSON/],
    ['no token', ok, undefined, /token/],
    ['a wrong token', ok, 'y'.repeat(43), /token/],
    ['a DNS-rebinding host name', { ...ok, host: 'attacker.example:8790' }, TOKEN, /Host header "attacker.example:8790"/],
  ])('refuses %s', (_name, headers, token, reason) => {
    expect(guard.writeProblem(headers, token)).toMatch(reason);
  });

  it('refuses any request whose Host is not this server, and makes a fresh token per guard', () => {
    expect(guard.hostProblem({ host: '127.0.0.1:8790' })).toBeUndefined();
    expect(guard.hostProblem({ host: 'rebound.example' })).toMatch(/expected one of 127.0.0.1:8790/);
    expect(guard.hostProblem({})).toMatch(/Host header ""/);
    expect(createRequestGuard(1).token).not.toBe(createRequestGuard(1).token);
    expect(createRequestGuard(1).token.length).toBeGreaterThanOrEqual(43);
  });
});
