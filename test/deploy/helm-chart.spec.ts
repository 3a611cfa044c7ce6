/**
 * The Helm chart (deploy/helm/farmhand), rendered without helm (test/deploy/support/helm-template.ts fails on any
 * template feature it does not implement) with the default values and a production-shaped values file, every
 * manifest checked against its Kubernetes schema, then the properties a print farm depends on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { loadYamlFile, mergeValues, renderChart, type RenderedChart } from './support/helm-template';
import { validateManifest } from './support/kubernetes-schemas';

const CHART = join(__dirname, '../../deploy/helm/farmhand');
const MINIMAL = loadYamlFile(join(CHART, 'ci/minimal-values.yaml'));
const PRODUCTION = loadYamlFile(join(CHART, 'ci/production-values.yaml'));
const SECRET_NAME = 'farmhand-secrets';
const SECRET_KEYS = ['SECRET_KEY', 'DATABASE_URL', 'REDIS_URL'];

type Manifest = Record<string, any>;

const render = (...values: Record<string, unknown>[]): RenderedChart =>
  renderChart(CHART, { releaseName: 'farm', namespace: 'printing', values });

const all = (chart: RenderedChart) => chart.manifests as Manifest[];

function ofKind(chart: RenderedChart, kind: string): Manifest[] {
  return all(chart).filter((manifest) => manifest.kind === kind);
}

function deployment(chart: RenderedChart, role: string): Manifest {
  const found = ofKind(chart, 'Deployment').filter(
    (manifest) => manifest.metadata.labels['app.kubernetes.io/component'] === role,
  );
  expect(found).toHaveLength(1);
  return found[0];
}

/** Pod templates of every workload: the three Deployments and the migration Job. */
function podTemplates(chart: RenderedChart): { name: string; spec: Manifest; labels: Record<string, string> }[] {
  return all(chart)
    .filter((manifest) => manifest.kind === 'Deployment' || manifest.kind === 'Job')
    .map((manifest) => ({
      name: `${manifest.kind}/${manifest.metadata.name}`,
      spec: manifest.spec.template.spec,
      labels: manifest.spec.template.metadata.labels,
    }));
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function envOf(container: Manifest): Map<string, Manifest> {
  return new Map((container.env as Manifest[]).map((entry) => [entry.name as string, entry]));
}

describe.each([
  ['default values', () => render(MINIMAL)],
  ['production values (GPU inference, ingress, HPA)', () => render(PRODUCTION)],
])('the chart rendered with %s', (_name, renderValues) => {
  let chart: RenderedChart;
  beforeAll(() => {
    chart = renderValues();
  });

  it('renders only manifests that match their Kubernetes schema', () => {
    expect(chart.manifests.length).toBeGreaterThanOrEqual(9);
    for (const manifest of chart.manifests) expect(() => validateManifest(manifest)).not.toThrow();
  });

  it('renders one Deployment per role, all named for the release', () => {
    const roles = ofKind(chart, 'Deployment').map(
      (manifest) => manifest.metadata.labels['app.kubernetes.io/component'],
    );
    expect(roles.sort()).toEqual(['api', 'inference', 'worker']);
    for (const manifest of all(chart)) expect(manifest.metadata.name).toMatch(/^farm-farmhand(-|$)/);
  });

  it('gives names no longer than Kubernetes allows', () => {
    for (const manifest of all(chart)) expect(manifest.metadata.name.length).toBeLessThanOrEqual(63);
  });

  it('runs every pod as the image’s non-root user, read-only, without privileges', () => {
    for (const pod of podTemplates(chart)) {
      expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
      expect(pod.spec.automountServiceAccountToken).toBe(false);
      for (const container of pod.spec.containers as Manifest[]) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.securityContext.privileged).toBeUndefined();
        // A read-only root needs a writable /tmp.
        expect(container.volumeMounts).toEqual(expect.arrayContaining([{ name: 'tmp', mountPath: '/tmp' }]));
      }
    }
  });

  it('mounts only volumes the pod declares, and shares one data volume between the roles', () => {
    const claims = new Set<string>();
    for (const pod of podTemplates(chart)) {
      const volumes = new Map((pod.spec.volumes as Manifest[]).map((volume) => [volume.name, volume]));
      for (const container of pod.spec.containers as Manifest[]) {
        for (const mount of container.volumeMounts as Manifest[]) expect(volumes.has(mount.name)).toBe(true);
      }
      const data = volumes.get('data');
      if (pod.name.startsWith('Deployment/')) claims.add(data?.persistentVolumeClaim?.claimName);
    }
    expect([...claims]).toEqual(['farm-farmhand-data']);
    const [claim] = ofKind(chart, 'PersistentVolumeClaim');
    expect(claim.metadata.name).toBe('farm-farmhand-data');
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(claim.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
  });

  it('takes SECRET_KEY, DATABASE_URL and REDIS_URL from the existing Secret, and renders no Secret', () => {
    expect(ofKind(chart, 'Secret')).toEqual([]);
    for (const pod of podTemplates(chart)) {
      for (const container of pod.spec.containers as Manifest[]) {
        const env = envOf(container);
        for (const key of SECRET_KEYS) {
          expect(env.get(key)).toEqual({ name: key, valueFrom: { secretKeyRef: { name: SECRET_NAME, key } } });
        }
      }
    }
    const [configMap] = ofKind(chart, 'ConfigMap');
    for (const key of SECRET_KEYS) expect(configMap.data[key]).toBeUndefined();
    // Every secret reference in every manifest names the existing Secret.
    const references = [...JSON.stringify(chart.manifests).matchAll(/"secretKeyRef":\{"name":"([^"]+)"/g)];
    expect(references.length).toBeGreaterThan(0);
    expect(new Set(references.map((match) => match[1]))).toEqual(new Set([SECRET_NAME]));
  });

  it('gives every role its settings from the ConfigMap, with the public URL', () => {
    const [configMap] = ofKind(chart, 'ConfigMap');
    expect(configMap.data).toMatchObject({ NODE_ENV: 'production', DATA_DIR: '/data' });
    expect(configMap.data.PUBLIC_URL).toBe('https://farm.example.com');
    for (const value of Object.values(configMap.data as Record<string, unknown>)) expect(typeof value).toBe('string');
    for (const role of ['api', 'worker', 'inference']) {
      const container = deployment(chart, role).spec.template.spec.containers[0];
      expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    }
  });

  it('probes the api on /api/health (startup, readiness) and /api/health/live (liveness) through its port', () => {
    const container = deployment(chart, 'api').spec.template.spec.containers[0];
    const ports = (container.ports as Manifest[]).map((port) => port.name);
    expect(container.startupProbe.httpGet.path).toBe('/api/health');
    expect(container.readinessProbe.httpGet.path).toBe('/api/health');
    // Liveness must not follow PostgreSQL or Redis: an outage of either would otherwise restart every api pod.
    expect(container.livenessProbe.httpGet.path).toBe('/api/health/live');
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      expect(ports).toContain(container[probe].httpGet.port);
    }
  });

  it('probes the worker and inference roles on their metrics listener, the port they are told to use', () => {
    for (const role of ['worker', 'inference']) {
      const container = deployment(chart, role).spec.template.spec.containers[0];
      const port = (container.ports as Manifest[]).find((candidate) => candidate.name === 'metrics');
      expect(envOf(container).get('METRICS_PORT')?.value).toBe(String(port?.containerPort));
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        expect(container[probe].httpGet).toEqual({ path: '/metrics', port: 'metrics' });
      }
    }
  });

  it('serves every role’s /metrics on its own port, bound for the scraper, and keeps it out of the api Service', () => {
    for (const role of ['api', 'worker', 'inference']) {
      const pod = deployment(chart, role).spec.template;
      const container = pod.spec.containers[0];
      const metrics = (container.ports as Manifest[]).find((candidate) => candidate.name === 'metrics');
      expect(metrics?.containerPort).toBeGreaterThan(0);
      expect(pod.metadata.annotations['prometheus.io/port']).toBe(String(metrics?.containerPort));
      expect(envOf(container).get('METRICS_PORT')?.value).toBe(String(metrics?.containerPort));
      expect(envOf(container).get('METRICS_HOST')?.value).toBe('0.0.0.0');
    }
    const api = deployment(chart, 'api').spec.template.spec.containers[0];
    const http = (api.ports as Manifest[]).find((candidate) => candidate.name === 'http');
    expect(http?.containerPort).not.toBe(9463);
    const [service] = ofKind(chart, 'Service');
    expect((service.spec.ports as Manifest[]).map((port) => port.targetPort)).toEqual(['http']);
  });

  it('starts each role with its entrypoint argument', () => {
    for (const role of ['api', 'worker', 'inference']) {
      expect(deployment(chart, role).spec.template.spec.containers[0].args).toEqual([role]);
    }
    expect(ofKind(chart, 'Job')[0].spec.template.spec.containers[0].args).toEqual(['migrate']);
  });

  it('gives each role time to shut down gracefully before SIGKILL', () => {
    const [configMap] = ofKind(chart, 'ConfigMap');
    const graceMs = Number(configMap.data.SHUTDOWN_GRACE_MS);
    expect(graceMs).toBeGreaterThan(0);
    for (const role of ['api', 'worker', 'inference']) {
      const spec = deployment(chart, role).spec.template.spec;
      const preStop = spec.containers[0].lifecycle?.preStop?.exec?.command;
      const pauseMs = preStop ? Number(preStop[1]) * 1000 : 0;
      expect(spec.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(pauseMs + graceMs + 5_000);
    }
    // The api leaves the endpoints before it stops accepting.
    expect(deployment(chart, 'api').spec.template.spec.containers[0].lifecycle.preStop.exec.command[0]).toBe('sleep');
  });

  it('protects api, worker and inference with PodDisruptionBudgets that select exactly their pods', () => {
    const budgets = ofKind(chart, 'PodDisruptionBudget');
    expect(budgets.map((budget) => budget.metadata.labels['app.kubernetes.io/component']).sort()).toEqual([
      'api',
      'inference',
      'worker',
    ]);
    for (const budget of budgets) {
      const role = budget.metadata.labels['app.kubernetes.io/component'];
      const selected = podTemplates(chart).filter((pod) => matches(budget.spec.selector.matchLabels, pod.labels));
      expect(selected.map((pod) => pod.name)).toEqual([`Deployment/farm-farmhand-${role}`]);
      expect(budget.spec.maxUnavailable).toBe(1);
    }
  });

  it('runs migrations as a pre-install and pre-upgrade hook Job that needs nothing the release creates', () => {
    const [job] = ofKind(chart, 'Job');
    const hooks = String(job.metadata.annotations['helm.sh/hook']).split(',');
    expect(hooks.sort()).toEqual(['pre-install', 'pre-upgrade']);
    expect(job.metadata.annotations['helm.sh/hook-delete-policy']).toContain('before-hook-creation');
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    // Hooks run before the release's ConfigMap, ServiceAccount and claim exist on a first install.
    expect(pod.serviceAccountName).toBeUndefined();
    expect(pod.containers[0].envFrom).toBeUndefined();
    expect(pod.volumes.map((volume: Manifest) => volume.name)).toEqual(['tmp']);
    expect(envOf(pod.containers[0]).get('NODE_ENV')?.value).toBe('production');
  });

  it('routes the api Service to the api pods’ declared port', () => {
    const services = ofKind(chart, 'Service');
    expect(services).toHaveLength(1);
    const [service] = services;
    const api = deployment(chart, 'api');
    expect(matches(service.spec.selector, api.spec.template.metadata.labels)).toBe(true);
    for (const role of ['worker', 'inference']) {
      expect(matches(service.spec.selector, deployment(chart, role).spec.template.metadata.labels)).toBe(false);
    }
    const portNames = api.spec.template.spec.containers[0].ports.map((port: Manifest) => port.name);
    expect(portNames).toContain(service.spec.ports[0].targetPort);
  });

  it('keeps every Deployment’s selector within its own pod labels', () => {
    for (const manifest of ofKind(chart, 'Deployment')) {
      expect(matches(manifest.spec.selector.matchLabels, manifest.spec.template.metadata.labels)).toBe(true);
    }
  });
});

describe('images', () => {
  const imagesOf = (chart: RenderedChart) =>
    new Map(
      podTemplates(chart).flatMap((pod) =>
        (pod.spec.containers as Manifest[]).map((container) => [pod.name, container.image as string] as const),
      ),
    );

  it('runs every role from one image, tagged with the chart’s appVersion by default', () => {
    const images = imagesOf(render(MINIMAL));
    expect(images.size).toBe(4);
    expect(new Set(images.values())).toEqual(new Set(['ghcr.io/farmhand/farmhand:0.1.0']));
  });

  it('uses the same build’s -gpu variant for inference only, on GPU nodes', () => {
    const images = imagesOf(render(PRODUCTION));
    const base = 'registry.example.com/farmhand/farmhand:0.1.0';
    expect(images.get('Deployment/farm-farmhand-inference')).toBe(`${base}-gpu`);
    images.delete('Deployment/farm-farmhand-inference');
    expect(new Set(images.values())).toEqual(new Set([base]));
  });
});

describe('GPU inference', () => {
  it('requests a GPU, selects and tolerates GPU nodes, and asks for WebGPU with the graphics capability', () => {
    const spec = deployment(render(PRODUCTION), 'inference').spec.template.spec;
    const container = spec.containers[0];
    expect(container.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(container.resources.requests['nvidia.com/gpu']).toBe(1);
    expect(spec.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    const env = envOf(container);
    expect(env.get('INFERENCE_PROVIDERS')?.value).toBe('webgpu,cpu');
    expect(env.get('INFERENCE_BATCH_SIZE')?.value).toBe('16');
    expect(String(env.get('NVIDIA_DRIVER_CAPABILITIES')?.value).split(',')).toContain('graphics');
  });

  it('asks for no GPU and runs on CPU with the default values', () => {
    const spec = deployment(render(MINIMAL), 'inference').spec.template.spec;
    const container = spec.containers[0];
    expect(JSON.stringify(container.resources)).not.toContain('nvidia.com/gpu');
    expect(spec.nodeSelector).toBeUndefined();
    expect(envOf(container).get('INFERENCE_PROVIDERS')?.value).toBe('cpu');
    expect(envOf(container).get('INFERENCE_THREADS')?.value).toBe('2');
    expect(envOf(container).has('NVIDIA_DRIVER_CAPABILITIES')).toBe(false);
  });

  it('leaves out the inference role when disabled', () => {
    const chart = render(MINIMAL, { inference: { enabled: false } });
    expect(ofKind(chart, 'Deployment').map((manifest) => manifest.metadata.name)).not.toContain(
      'farm-farmhand-inference',
    );
    expect(ofKind(chart, 'PodDisruptionBudget')).toHaveLength(2);
  });
});

describe('autoscaling', () => {
  it('scales api and worker with autoscaling/v2 HPAs on CPU, leaving replicas to the HPA', () => {
    const chart = render(PRODUCTION);
    const autoscalers = ofKind(chart, 'HorizontalPodAutoscaler');
    expect(autoscalers.map((hpa) => hpa.spec.scaleTargetRef.name).sort()).toEqual([
      'farm-farmhand-api',
      'farm-farmhand-worker',
    ]);
    for (const hpa of autoscalers) {
      const target = ofKind(chart, 'Deployment').find(
        (manifest) => manifest.metadata.name === hpa.spec.scaleTargetRef.name,
      );
      expect(target).toBeDefined();
      expect(target?.spec.replicas).toBeUndefined();
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      expect(hpa.spec.metrics[0].resource).toMatchObject({ name: 'cpu', target: { type: 'Utilization' } });
    }
  });

  it('sets fixed replicas and renders no HPA by default', () => {
    const chart = render(MINIMAL);
    expect(ofKind(chart, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(deployment(chart, 'api').spec.replicas).toBe(2);
    expect(deployment(chart, 'worker').spec.replicas).toBe(2);
  });
});

describe('ingress', () => {
  it('routes the host to the api Service with TLS and socket-friendly timeouts and stickiness', () => {
    const chart = render(PRODUCTION);
    const [ingress] = ofKind(chart, 'Ingress');
    expect(ingress.spec.tls).toEqual([{ hosts: ['farm.example.com'], secretName: 'farm-example-com-tls' }]);
    const [rule] = ingress.spec.rules;
    expect(rule.host).toBe('farm.example.com');
    const backend = rule.http.paths[0].backend.service;
    const [service] = ofKind(chart, 'Service');
    expect(backend.name).toBe(service.metadata.name);
    expect(backend.port.name).toBe(service.spec.ports[0].name);
    expect(
      Number(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']),
    ).toBeGreaterThanOrEqual(3600);
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
  });

  it('never routes to a metrics port', () => {
    const chart = render(PRODUCTION);
    const [ingress] = ofKind(chart, 'Ingress');
    const [service] = ofKind(chart, 'Service');
    const servicePorts = new Set((service.spec.ports as Manifest[]).map((port) => port.name));
    for (const rule of ingress.spec.rules as Manifest[]) {
      for (const path of rule.http.paths as Manifest[]) {
        expect(path.backend.service.name).toBe(service.metadata.name);
        expect(servicePorts).toContain(path.backend.service.port.name);
        expect(path.path).not.toMatch(/metrics/);
      }
    }
  });

  it('is off by default', () => {
    expect(ofKind(render(MINIMAL), 'Ingress')).toEqual([]);
  });
});

describe('required values', () => {
  it('refuses to render without existingSecret', () => {
    expect(() => render({ config: { PUBLIC_URL: 'https://farm.example.com' } })).toThrow(/existingSecret is required/);
  });

  it('refuses to render without PUBLIC_URL', () => {
    expect(() => render({ existingSecret: SECRET_NAME })).toThrow(/config.PUBLIC_URL is required/);
  });

  it('refuses an enabled ingress without a host', () => {
    expect(() => render(MINIMAL, { ingress: { enabled: true, tls: { secretName: 'x' } } })).toThrow(
      /ingress.host is required/,
    );
  });

  it('renders NOTES.txt for the release', () => {
    const notes = render(PRODUCTION).files.get('templates/NOTES.txt');
    expect(notes).toContain('farm-farmhand in printing');
    expect(notes).toContain('api x 3-12 (HPA)');
  });
});

describe('values.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as object;
  const defaults = loadYamlFile(join(CHART, 'values.yaml'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const errorsOf = (values: Record<string, unknown>) =>
    validate(mergeValues(defaults, values)) ? [] : (validate.errors ?? []).map((error) => error.instancePath);

  it('accepts the chart’s defaults, the minimal and the production values', () => {
    expect(errorsOf({})).toEqual([]);
    expect(errorsOf(MINIMAL)).toEqual([]);
    expect(errorsOf(PRODUCTION)).toEqual([]);
  });

  it('refuses a misspelt key instead of ignoring it', () => {
    expect(validate(mergeValues(defaults, { api: { replica: 3 } }))).toBe(false);
    expect(validate(mergeValues(defaults, { ingres: { enabled: true } }))).toBe(false);
  });

  it('refuses secrets in the ConfigMap settings', () => {
    for (const key of SECRET_KEYS) {
      expect(errorsOf({ config: { PUBLIC_URL: 'https://farm.example.com', [key]: 'x' } })).toContain(`/config/${key}`);
    }
  });

  it('refuses wrong types and values', () => {
    expect(errorsOf({ api: { replicas: 'two' } })).toContain('/api/replicas');
    expect(errorsOf({ image: { pullPolicy: 'Sometimes' } })).toContain('/image/pullPolicy');
    expect(errorsOf({ inference: { gpu: { providers: 'cuda;rm -rf' } } })).toContain('/inference/gpu/providers');
    expect(errorsOf({ config: { PUBLIC_URL: 'farm.example.com' } })).toContain('/config/PUBLIC_URL');
  });
});
