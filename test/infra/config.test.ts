import { ConfigError, parseConfig } from '../../toolkit/infra/config';
import { FIXTURE_ENV } from './support/synth';

/** The problems a configuration is refused with. */
function problems(env: Record<string, string | undefined>): readonly string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('makes dev and prod by default, each prefixed with its name, in the default region', () => {
    const config = parseConfig({ GOOGLE_CLOUD_PROJECT: 'example-project' });
    expect(config).toEqual({
      environments: [
        { name: 'dev', project: 'example-project', region: 'us-central1', prefix: 'dev' },
        { name: 'prod', project: 'example-project', region: 'us-central1', prefix: 'prod' },
      ],
      statePrefix: 'terraform',
    });
  });

  it('prefers the per-environment variable over the shared one', () => {
    const config = parseConfig(FIXTURE_ENV);
    expect(config.environments).toEqual([
      { name: 'dev', project: 'example-project', region: 'europe-west1', prefix: 'dev' },
      {
        name: 'prod',
        project: 'example-project-prod',
        region: 'europe-west1',
        prefix: 'prod',
        kmsKeyName: FIXTURE_ENV['PIPELINE_KMS_KEY_PROD'],
        stateBucket: FIXTURE_ENV['PIPELINE_STATE_BUCKET_PROD'],
        alertEmail: 'oncall@example.com',
        oldestUnackedAlertSeconds: 900,
      },
    ]);
  });

  it('synthesises only the environments asked for', () => {
    const config = parseConfig({ GOOGLE_CLOUD_PROJECT: 'example-project', PIPELINE_ENVIRONMENTS: ' prod ' });
    expect(config.environments.map((e) => e.name)).toEqual(['prod']);
  });

  it('fails fast naming the missing project variable', () => {
    expect(() => parseConfig({})).toThrow(ConfigError);
    expect(problems({})).toEqual([
      'GOOGLE_CLOUD_PROJECT_DEV or GOOGLE_CLOUD_PROJECT is not set: the Google Cloud project id to deploy to (dev stack)',
      'GOOGLE_CLOUD_PROJECT_PROD or GOOGLE_CLOUD_PROJECT is not set: the Google Cloud project id to deploy to (prod stack)',
    ]);
  });

  it('treats an empty value as unset', () => {
    expect(problems({ GOOGLE_CLOUD_PROJECT: '  ' })[0]).toMatch(/GOOGLE_CLOUD_PROJECT is not set/);
    expect(parseConfig({ GOOGLE_CLOUD_PROJECT: 'example-project', PIPELINE_KMS_KEY: '' }).environments[0]?.kmsKeyName).toBeUndefined();
  });

  it('names the variable that holds an invalid value and says what was expected', () => {
    const found = problems({
      GOOGLE_CLOUD_PROJECT: 'Example_Project',
      GOOGLE_CLOUD_REGION_PROD: 'mars',
      PIPELINE_PREFIX_DEV: '9lives',
      PIPELINE_KMS_KEY: 'my-key',
      PIPELINE_STATE_BUCKET: 'gs://state',
      PIPELINE_ALERT_EMAIL: 'oncall',
      PIPELINE_ALERT_OLDEST_UNACKED_SECONDS_DEV: '10m',
      PIPELINE_ALERT_OLDEST_UNACKED_SECONDS_PROD: '30',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GOOGLE_CLOUD_PROJECT="Example_Project": expected a Google Cloud project id/),
        expect.stringMatching(/^GOOGLE_CLOUD_REGION_PROD="mars": expected a Google Cloud region/),
        expect.stringMatching(/^PIPELINE_PREFIX_DEV="9lives": expected up to 20 lowercase/),
        expect.stringMatching(/^PIPELINE_KMS_KEY="my-key": expected projects\//),
        expect.stringMatching(/^PIPELINE_STATE_BUCKET="gs:\/\/state": expected a Cloud Storage bucket name/),
        expect.stringMatching(/^PIPELINE_ALERT_EMAIL="oncall": expected an e-mail address/),
        expect.stringMatching(/^PIPELINE_ALERT_OLDEST_UNACKED_SECONDS_DEV="10m": expected a whole number of seconds/),
        expect.stringMatching(/^PIPELINE_ALERT_OLDEST_UNACKED_SECONDS_PROD="30": expected at least 60 seconds/),
      ]),
    );
  });

  it('refuses unknown environments', () => {
    expect(problems({ GOOGLE_CLOUD_PROJECT: 'example-project', PIPELINE_ENVIRONMENTS: 'dev,staging' })).toEqual([
      'PIPELINE_ENVIRONMENTS="dev,staging": expected one of dev, prod',
    ]);
  });

  it('ignores a plain PIPELINE_PREFIX, which belongs to the local runner', () => {
    const config = parseConfig({ GOOGLE_CLOUD_PROJECT: 'example-project', PIPELINE_PREFIX: 'local' });
    expect(config.environments.map((e) => e.prefix)).toEqual(['dev', 'prod']);
  });

  it('refuses two environments with the same names in the same project', () => {
    expect(problems({ GOOGLE_CLOUD_PROJECT: 'example-project', PIPELINE_PREFIX_PROD: 'dev' })).toEqual([
      'environments dev and prod both use project "example-project" with prefix "dev"; set PIPELINE_PREFIX_PROD to tell them apart',
    ]);
  });
});
