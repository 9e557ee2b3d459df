/**
 * Policy checks over the synthesised JSON of every stack: least privilege, authenticated push, dead letters that
 * actually work, nothing public, no secrets.
 */
import { Testing } from 'cdktf';
import { allResources, type Body, fixtureConfig, fixtureStacks, parse, reference, resources, strings, type SynthJson, target } from '../support/synth';

const PRIMITIVE_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'];
const PUBLIC_MEMBERS = ['allUsers', 'allAuthenticatedUsers'];
const PUBSUB_AGENT = /^serviceAccount:service-\$\{data\.google_project\.[^.]+\.number\}@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/;

let stacks: Array<{ name: string; json: SynthJson }>;

beforeAll(() => {
  // Prepare: synthesise dev and prod once.
  const config = fixtureConfig();
  stacks = fixtureStacks(config).map((stack, i) => ({ name: config.environments[i]?.name ?? '', json: parse(Testing.synth(stack)) }));
});

describe.each(['dev', 'prod'])('%s stack policy', (env) => {
  const json = (): SynthJson => {
    const found = stacks.find((s) => s.name === env);
    if (!found) throw new Error(`no ${env} stack`);
    return found.json;
  };

  it('grants no primitive role anywhere', () => {
    const offending = strings(json()).filter((s) => PRIMITIVE_ROLES.includes(s.value));
    expect(offending).toEqual([]);
  });

  it('grants nothing project-wide, except Firestore access conditioned to the pipeline\'s own database and span writing', () => {
    const projectLevel = allResources(json()).filter((r) => /^google_project_iam_|^google_organization_iam_|^google_folder_iam_/.test(r.type));
    // Firestore takes IAM on the project only; an IAM condition naming one database is as narrow as it gets.
    const [database] = resources(json(), 'google_firestore_database');
    const onlyThatDatabase = `resource.name == "projects/${database?.body['project']}/databases/${database?.body['name']}"`;
    const stageAccounts = new Set(resources(json(), 'google_cloudfunctions2_function').map((fn) => target(json(), (fn.body['service_config'] as Body)['service_account_email']).id));
    // Cloud Trace takes IAM on the project only; the agent role writes spans and reads nothing.
    const traceWriter = (r: { type: string; body: Body }): boolean =>
      r.type === 'google_project_iam_member' && r.body['role'] === 'roles/cloudtrace.agent' && stageAccounts.has(String(r.body['member']).match(/google_service_account\.([^.]+)\./)?.[1] ?? '');
    expect(projectLevel.filter(traceWriter)).toHaveLength(stageAccounts.size);
    const unconditioned = projectLevel.filter(
      (r) => !traceWriter(r) && !(r.type === 'google_project_iam_member' && r.body['role'] === 'roles/datastore.user' && (r.body['condition'] as Body | undefined)?.['expression'] === onlyThatDatabase),
    );
    expect(unconditioned.map((r) => `${r.type}.${r.id}`)).toEqual([]);
  });

  it('lets every stage identity, and nothing else, use the idempotency database', () => {
    const grants = resources(json(), 'google_project_iam_member').filter((g) => g.body['role'] === 'roles/datastore.user');
    const stageAccounts = resources(json(), 'google_cloudfunctions2_function').map((fn) => target(json(), (fn.body['service_config'] as Body)['service_account_email']).id);
    expect(grants.map((g) => reference(g.body['member'])?.id).sort()).toEqual(stageAccounts.sort());
  });

  it('makes nothing public', () => {
    const offending = strings(json()).filter((s) => PUBLIC_MEMBERS.some((m) => s.value.includes(m)));
    expect(offending).toEqual([]);
  });

  it('authenticates every push with an OIDC token from an account that may invoke only its function', () => {
    const pushSubscriptions = resources(json(), 'google_pubsub_subscription').filter((s) => s.body['push_config']);
    expect(pushSubscriptions.length).toBeGreaterThan(0);
    const invokerGrants = resources(json(), 'google_cloud_run_v2_service_iam_member');
    for (const sub of pushSubscriptions) {
      const push = sub.body['push_config'] as Body;
      const oidc = push['oidc_token'] as Body | undefined;
      expect({ subscription: sub.id, hasOidc: Boolean(oidc?.['service_account_email']) }).toEqual({ subscription: sub.id, hasOidc: true });
      const account = target(json(), oidc?.['service_account_email']);
      const fn = target(json(), oidc?.['audience']);
      const grants = invokerGrants.filter((g) => reference(g.body['member'])?.id === account.id);
      expect(grants.map((g) => g.body['role'])).toEqual(['roles/run.invoker']);
      expect(reference(grants[0]?.body['name'])?.id).toBe(fn.id);
    }
  });

  it('gives every subscription that feeds a function a dead-letter policy', () => {
    const pushSubscriptions = resources(json(), 'google_pubsub_subscription').filter((s) => s.body['push_config']);
    for (const sub of pushSubscriptions) {
      const policy = sub.body['dead_letter_policy'] as Body | undefined;
      expect({ subscription: sub.id, attempts: policy?.['max_delivery_attempts'] }).toEqual({ subscription: sub.id, attempts: expect.any(Number) });
    }
  });

  it('keeps dead letters: the dead-letter topic has a subscription', () => {
    const deadLetterTopicIds = new Set(
      resources(json(), 'google_pubsub_subscription').flatMap((s) => {
        const policy = s.body['dead_letter_policy'] as Body | undefined;
        return policy ? [target(json(), policy['dead_letter_topic']).id] : [];
      }),
    );
    expect(deadLetterTopicIds.size).toBe(1);
    const attached = resources(json(), 'google_pubsub_subscription').filter((s) => deadLetterTopicIds.has(target(json(), s.body['topic']).id));
    expect(attached.length).toBeGreaterThan(0);
  });

  it('grants the Pub/Sub service agent publisher on the dead-letter topic and subscriber where it dead-letters', () => {
    const deadLettering = resources(json(), 'google_pubsub_subscription').filter((s) => s.body['dead_letter_policy']);
    const deadLetterTopicId = target(json(), (deadLettering[0]?.body['dead_letter_policy'] as Body)['dead_letter_topic']).id;
    const topicGrants = resources(json(), 'google_pubsub_topic_iam_member').filter((g) => PUBSUB_AGENT.test(String(g.body['member'])));
    expect(topicGrants.map((g) => [target(json(), g.body['topic']).id, g.body['role']])).toEqual([[deadLetterTopicId, 'roles/pubsub.publisher']]);
    const subscriptionGrants = resources(json(), 'google_pubsub_subscription_iam_member').filter((g) => PUBSUB_AGENT.test(String(g.body['member'])));
    expect(subscriptionGrants.map((g) => target(json(), g.body['subscription']).id).sort()).toEqual(deadLettering.map((s) => s.id).sort());
    for (const grant of subscriptionGrants) expect(grant.body['role']).toBe('roles/pubsub.subscriber');
  });

  it('never lets a subscription expire', () => {
    for (const sub of resources(json(), 'google_pubsub_subscription')) {
      expect({ subscription: sub.id, expiration: sub.body['expiration_policy'] }).toEqual({ subscription: sub.id, expiration: { ttl: '' } });
    }
  });

  it('keeps functions internal and off Eventarc', () => {
    for (const fn of resources(json(), 'google_cloudfunctions2_function')) {
      expect(fn.body['event_trigger']).toBeUndefined();
      expect((fn.body['service_config'] as Body)['ingress_settings']).toBe('ALLOW_INTERNAL_ONLY');
    }
  });

  it('keeps the source bucket private', () => {
    for (const bucket of resources(json(), 'google_storage_bucket')) {
      expect(bucket.body).toMatchObject({ uniform_bucket_level_access: true, public_access_prevention: 'enforced' });
    }
  });

  it('holds no secret values', () => {
    const all = allResources(json());
    expect(all.filter((r) => r.type === 'google_service_account_key' || r.type === 'google_secret_manager_secret_version').map((r) => r.type)).toEqual([]);
    const secretLooking = [
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
      /AIza[0-9A-Za-z_-]{35}/, // Google API key
      /ya29\.[0-9A-Za-z_-]+/, // OAuth access token
      /"type"\s*:\s*"service_account"/, // service account key file
    ];
    const values = strings(json());
    expect(values.filter((s) => secretLooking.some((re) => re.test(s.value)))).toEqual([]);
    const secretKeys = values.filter((s) => /(password|secret|private_?key|token|api_?key)[^.[]*$/i.test(s.path.split('.').pop() ?? ''));
    // OIDC settings name an account and an audience, not a secret; everything else with such a name is suspect.
    expect(secretKeys.filter((s) => !/\.oidc_token\.(service_account_email|audience)$/.test(s.path)).map((s) => s.path)).toEqual([]);
  });

  it('labels every labellable resource with the environment', () => {
    for (const r of allResources(json())) {
      // A notification channel's `labels` are its settings (the e-mail address); its labels are `user_labels`.
      const labels = r.type === 'google_monitoring_notification_channel' ? 'user_labels' : 'labels';
      if (!(labels in r.body)) continue;
      expect({ resource: `${r.type}.${r.id}`, env: (r.body[labels] as Body)['env'] }).toEqual({ resource: `${r.type}.${r.id}`, env });
    }
  });
});
