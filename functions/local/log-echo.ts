/**
 * Prints what the emulator and the stage servers log. `json` passes the stages' structured lines through as they
 * are (what Cloud Logging would ingest); `pretty` shortens them to one readable line each.
 */
export function createLineEcho(format: 'pretty' | 'json'): (source: string, line: string) => void {
  return (source, line) => {
    if (source === 'emulator') return; // The emulator's own chatter is noise; errors surface through the clients.
    if (format === 'json' || !line.startsWith('{')) {
      process.stdout.write(`[${source}] ${line}\n`);
      return;
    }
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const parts = [entry['severity'], entry['message']];
      for (const key of ['correlationId', 'outputTopic', 'errorCode', 'error', 'latencyMs']) {
        if (entry[key] !== undefined) parts.push(`${key}=${String(entry[key])}`);
      }
      process.stdout.write(`[${source}] ${parts.join(' ')}\n`);
    } catch {
      process.stdout.write(`[${source}] ${line}\n`);
    }
  };
}
