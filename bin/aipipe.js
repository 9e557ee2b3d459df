#!/usr/bin/env node
// The `aipipe` command: the compiled command line (`npm run build:toolkit`, run by `npm install` through the
// prepare script), so that `aipipe --help` answers without a TypeScript loader. The pipeline it works on
// (functions/pipeline.ts, or AIPIPE_PIPELINE) is TypeScript and loaded through tsx when a command needs it.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const compiled = join(__dirname, '..', 'dist', 'toolkit', 'cli', 'main.js');
if (!existsSync(compiled)) {
  process.stderr.write('aipipe: the command line is not compiled; run `npm run build:toolkit` (npm install does it)\n');
  process.exit(1);
}
// Like npm start, read .env from the working directory; real environment variables win.
if (existsSync('.env')) process.loadEnvFile('.env');
require(compiled)
  .runCli(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
