// deploy/kubernetes validated offline against the Kubernetes API schemas: every object is checked by the
// JSON-schema validators generated from Kubernetes' OpenAPI spec in npm kubernetes-models (types, required
// fields, enums; not unknown fields, which those schemas allow). No cluster is needed, or reached.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../support/env';

const dir = path.join(repoRoot, 'deploy', 'kubernetes');
/** Helm values for Zero to JupyterHub: not a Kubernetes object (the chart's own schema is not on npm). */
const HELM_VALUES = 'jupyterhub-values.yaml';

type Manifest = { apiVersion?: string; kind?: string; metadata?: { name?: string }; [key: string]: unknown };
type Model = new (data: never) => { validate(): void };
let MODELS: Record<string, Model>;

// kubernetes-models is an ES module only.
before(async () => {
  const [batch, networking, core] = await Promise.all([
    import('kubernetes-models/batch/v1'),
    import('kubernetes-models/networking.k8s.io/v1'),
    import('kubernetes-models/v1'),
  ]);
  MODELS = {
    'batch/v1 Job': batch.Job,
    'networking.k8s.io/v1 NetworkPolicy': networking.NetworkPolicy,
    'v1 ConfigMap': core.ConfigMap,
    'v1 PersistentVolumeClaim': core.PersistentVolumeClaim,
  };
});

function manifests(): { file: string; object: Manifest }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== HELM_VALUES)
    .flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(dir, file), 'utf8')).map((doc) => {
        assert.deepEqual(doc.errors, [], file);
        return { file, object: doc.toJSON() as Manifest };
      }),
    );
}

function validate(object: Manifest): void {
  const Model = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  new Model(object as never).validate();
}

const find = (kind: string, name: string) =>
  manifests().find((m) => m.object.kind === kind && m.object.metadata?.name === name)!.object as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('every object in deploy/kubernetes is valid against the Kubernetes API schemas', () => {
  const all = manifests();
  assert.deepEqual(all.map((m) => m.object.kind).sort(), [
    'ConfigMap',
    'Job',
    'Job',
    'Job',
    'NetworkPolicy',
    'PersistentVolumeClaim',
  ]);
  for (const { file, object } of all)
    assert.doesNotThrow(() => validate(object), `${file}: ${object.kind} ${object.metadata?.name}`);
});

test('the schema check fails on a broken manifest', () => {
  const job = structuredClone(find('Job', 'radnb-sweep'));
  job.spec.completionMode = 'indexed';
  assert.throws(() => validate(job), /completionMode must be equal to one of the allowed values/);
  const noImage = structuredClone(find('Job', 'radnb-grade'));
  delete noImage.spec.template.spec.containers[0].name;
  assert.throws(() => validate(noImage), /must have required property name/);
});

test('the Indexed Jobs agree with their inputs: a sweep task per params line, a grade shard per task', () => {
  const sweep = find('Job', 'radnb-sweep');
  const configMap = sweep.spec.template.spec.volumes.find((v: { configMap?: { name: string } }) => v.configMap)
    .configMap.name;
  const params: string = find('ConfigMap', configMap).data['params.txt'];
  assert.equal(sweep.spec.completionMode, 'Indexed');
  assert.equal(sweep.spec.completions, params.trim().split('\n').length);
  const grade = find('Job', 'radnb-grade');
  const env = Object.fromEntries(
    grade.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]),
  );
  assert.equal(Number(env.TASKS), grade.spec.completions);
  assert.match(grade.spec.template.spec.containers[0].args[0], /--shard "\$JOB_COMPLETION_INDEX\/\$TASKS"/);
  // Students' code: no API token, no root, no privilege escalation; the network policy selects these pods.
  assert.equal(grade.spec.template.spec.automountServiceAccountToken, false);
  assert.equal(grade.spec.template.spec.securityContext.runAsNonRoot, true);
  assert.equal(grade.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(find('NetworkPolicy', 'radnb-grade-isolated').spec.podSelector.matchLabels, {
    'app.kubernetes.io/component': grade.spec.template.metadata.labels['app.kubernetes.io/component'],
  });
});
