/**
 * The app's edge: `cdktf/main.ts` fails fast, before building anything, when the configuration is invalid.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

it('exits 1 naming the variable to fix when the configuration is invalid', () => {
  // Variables in the environment win over .env, so this holds whatever a developer's .env says.
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'cdktf/main.ts')], {
    cwd: root,
    env: { ...process.env, PIPELINE_ENVIRONMENTS: 'staging', CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('PIPELINE_ENVIRONMENTS="staging": expected one of dev, prod');
  expect(result.stderr).toContain('.env.example');
});
