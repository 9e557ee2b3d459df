/** The function build: one reproducible source archive per stage, with its own package.json and lock file. */
export * from './archive-lock';
export * from './function-build';
export * from './import-closure';
export * from './zip';
