/**
 * Prints what the emulator and the stage servers log. `json` passes the stages' structured lines through as they
 * are (what Cloud Logging would ingest); `pretty` shortens them to one readable line each.
 */
export function createLineEcho(format: 'pretty' | 'json'): (source: string, line: string) => void {
  return (source, line) => {
    // The emulators' own chatter is noise; their failures surface through the clients and the start-up checks.
    if (source === 'emulator' || source === 'firestore') return;
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
