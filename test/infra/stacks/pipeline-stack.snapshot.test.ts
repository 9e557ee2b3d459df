/**
 * One snapshot per stack. The archive's sha256 is scrubbed, so editing function code does not change the
 * snapshot; anything else that changes the synthesised Terraform does, and must be reviewed.
 */
import { Testing } from 'cdktf';
import { fixtureConfig, fixtureFunctionSource, fixtureStacks } from '../support/synth';

let synthesised: Map<string, string>;
let sha256: string;

beforeAll(() => {
  const config = fixtureConfig();
  const source = fixtureFunctionSource();
  sha256 = source.sha256;
  const stacks = fixtureStacks(config, source);
  synthesised = new Map(config.environments.map((e, i) => [e.name, Testing.synth(stacks[i] as (typeof stacks)[number])]));
});

/** Replaces the archive's content hash, which appears in the object name and the asset path. */
function scrub(json: string): string {
  return json.split(sha256).join('<sha256>');
}

it.each(['dev', 'prod'])('%s stack matches its snapshot', (env) => {
  const json = synthesised.get(env);
  expect(json).toContain(sha256);
  expect(scrub(json as string)).toMatchSnapshot();
});
