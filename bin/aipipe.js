#!/usr/bin/env node
// The `aipipe` command: runs the TypeScript command line through tsx, so there is no build step to forget.
require('tsx/cjs');
// Like npm start, read .env from the working directory; real environment variables win.
if (require('node:fs').existsSync('.env')) process.loadEnvFile('.env');
const { runCli } = require('../toolkit/cli/main.ts');
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
