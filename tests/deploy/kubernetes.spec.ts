import { execFileSync, spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from '@express-quote/service-kit';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadServiceConfigs, type ServiceConfig } from '../../scripts/config-docs.ts';
import {
  parseEnvFile,
  readRepoFile,
  readYaml,
  readYamlDocuments,
  repoFileExists,
  repoPath,
  toMs,
} from './support/repo-files.ts';

interface Kustomization {
  namespace?: string;
  resources: string[];
  configMapGenerator?: Array<{
    name: string;
    behavior?: string;
    envs?: string[];
    literals?: string[];
    files?: string[];
  }>;
  replicas?: Array<{ name: string; count: number }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ path: string }>;
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface Workload {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    replicas?: number;
    serviceName?: string;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: { terminationGracePeriodSeconds?: number; containers: Container[] };
    };
  };
}

const BASE = 'infra/k8s/base';
const PRODUCTION = 'infra/k8s/overlays/production';
const base = readYaml<Kustomization>(BASE, 'kustomization.yaml');
const production = readYaml<Kustomization>(PRODUCTION, 'kustomization.yaml');
const commonEnv = parseEnvFile(readRepoFile(BASE, 'common.env'));
const productionCommon = new Map(
  (production.configMapGenerator?.find((g) => g.name === 'express-quote-common')?.literals ?? []).map(
    (l) => l.split('=', 2) as [string, string],
  ),
);

// Environment-specific values left empty in config.env: the service must refuse to start until they are set.
const TO_FILL_PER_ENVIRONMENT: Record<string, Record<string, string>> = {
  documents: {
    COMPANY_NAME: 'Express Quote SAS',
    COMPANY_ADDRESS: '10 rue de la Paix, 75002 Paris',
    COMPANY_SIRET: '12345678900012',
    COMPANY_VAT_NUMBER: 'FR32123456789',
  },
  'email-delivery': { SMTP_HOST: 'smtp.example.com', SMTP_FROM: 'Express Quote <noreply@example.com>' },
};

let configs: ServiceConfig[];
beforeAll(async () => {
  configs = await loadServiceConfigs();
});

const serviceEnv = (service: string) => ({
  config: parseEnvFile(readRepoFile(BASE, 'services', service, 'config.env')),
  secrets: parseEnvFile(readRepoFile(BASE, 'services', service, 'secrets.env.example')),
});

const deploymentOf = (service: string): Workload =>
  readYamlDocuments<Workload>(BASE, 'services', service, 'deployment.yaml')[0]!;

describe('kustomize base', () => {
  it('lists every service: a Deployment, a Service and its ConfigMap', () => {
    for (const { service } of configs) {
      expect(base.resources).toContain(`services/${service}/deployment.yaml`);
      expect(base.resources).toContain(`services/${service}/service.yaml`);
      expect(base.configMapGenerator).toContainEqual({
        name: `${service}-config`,
        envs: [`services/${service}/config.env`],
      });
    }
    for (const resource of base.resources) expect(repoFileExists(BASE, resource), resource).toBe(true);
    expect(base.namespace).toBe('express-quote');
  });

  it('has manifests that match the Kubernetes API schemas', () => {
    for (const { service } of configs) {
      expect(() => new Deployment(deploymentOf(service) as never).validate(), service).not.toThrow();
      const svc = readYamlDocuments(BASE, 'services', service, 'service.yaml')[0];
      expect(() => new Service(svc as never).validate(), service).not.toThrow();
    }
    expect(() =>
      new StatefulSet(readYamlDocuments(BASE, 'nats/statefulset.yaml')[0] as never).validate(),
    ).not.toThrow();
    for (const doc of readYamlDocuments(BASE, 'nats/services.yaml')) {
      expect(() => new Service(doc as never).validate()).not.toThrow();
    }
    expect(() =>
      new PodDisruptionBudget(readYamlDocuments(BASE, 'nats/pdb.yaml')[0] as never).validate(),
    ).not.toThrow();
    expect(() =>
      new Namespace(readYamlDocuments(BASE, 'namespace.yaml')[0] as never).validate(),
    ).not.toThrow();
  });

  it.each([
    'payments',
    'booking',
    'documents',
    'attribution',
    'notifications',
    'email-delivery',
    'sms-delivery',
    'whatsapp-delivery',
  ])('%s: probes on /readyz and /healthz, resources, config and secret references', (service) => {
    const deployment = deploymentOf(service);
    expect(deployment.metadata.name).toBe(service);
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': service });
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics',
    });
    const [container, ...others] = deployment.spec.template.spec.containers;
    expect(others).toEqual([]);
    expect(container!.image).toBe(`express-quote/${service}`);
    expect(container!.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(container!.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container!.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container!.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container!.resources?.requests?.cpu).toBeTruthy();
    expect(container!.resources?.requests?.memory).toBeTruthy();
    expect(container!.resources?.limits?.memory).toBeTruthy();
    expect(container!.envFrom).toEqual([
      { configMapRef: { name: 'express-quote-common' } },
      { configMapRef: { name: `${service}-config` } },
      { secretRef: { name: `${service}-secrets` } },
    ]);
  });

  it('gives every pod longer than preStop + SHUTDOWN_TIMEOUT_MS before SIGKILL, in the base and in production', () => {
    for (const { service } of configs) {
      const spec = deploymentOf(service).spec.template.spec;
      const preStop = spec.containers[0]!.lifecycle?.preStop?.exec?.command ?? [];
      expect(preStop[0]).toBe('sleep');
      const preStopMs = Number(preStop[1]) * 1000;
      const { config } = serviceEnv(service);
      for (const shutdown of [
        config.get('SHUTDOWN_TIMEOUT_MS') ?? commonEnv.get('SHUTDOWN_TIMEOUT_MS'),
        productionCommon.get('SHUTDOWN_TIMEOUT_MS') ?? commonEnv.get('SHUTDOWN_TIMEOUT_MS'),
      ]) {
        const grace = spec.terminationGracePeriodSeconds! * 1000;
        expect(grace, service).toBeGreaterThan(preStopMs + toMs(shutdown!));
      }
    }
  });

  it('puts secret variables only in Secrets and names only variables the services read', () => {
    for (const { service, variables } of configs) {
      const byName = new Map(variables.map((v) => [v.name, v]));
      const { config, secrets } = serviceEnv(service);
      for (const name of [...commonEnv.keys(), ...config.keys()]) {
        expect(byName.has(name), `${service} reads ${name}`).toBe(true);
        expect(byName.get(name)?.secret, `${name} of ${service} belongs in its Secret`).toBe(false);
      }
      for (const name of secrets.keys())
        expect(byName.get(name)?.secret, `${service} secret ${name}`).toBe(true);
      // Every secret the service can read is listed for the operator, required or not.
      const listed = new Set(secrets.keys());
      for (const v of variables.filter((v) => v.secret))
        expect(listed, `${service}: ${v.name}`).toContain(v.name);
    }
  });

  it('configures every service completely except the values each environment must set', () => {
    for (const { service, schema } of configs) {
      const { config, secrets } = serviceEnv(service);
      const env = Object.fromEntries([...commonEnv, ...config, ...secrets]);
      const toFill = TO_FILL_PER_ENVIRONMENT[service] ?? {};
      if (Object.keys(toFill).length > 0) {
        let problems: string[] = [];
        try {
          loadConfig(schema, env);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          problems = error.problems.map((p) => p.name);
        }
        expect(problems.sort(), `${service} refuses to start until set`).toEqual(Object.keys(toFill).sort());
      }
      expect(() => loadConfig(schema, { ...env, ...toFill }), service).not.toThrow();
      expect(() =>
        loadConfig(schema, { ...env, ...toFill, ...Object.fromEntries(productionCommon) }),
      ).not.toThrow();
    }
  });
});

describe('NATS JetStream cluster', () => {
  const statefulSet = readYamlDocuments<Workload>(BASE, 'nats/statefulset.yaml')[0]!;
  const conf = readRepoFile(BASE, 'nats/nats.conf');

  it('is three servers that route to each other through the headless service', () => {
    expect(statefulSet.spec.replicas).toBe(3);
    const headless = readYamlDocuments<{ metadata: { name: string }; spec: { clusterIP?: string } }>(
      BASE,
      'nats/services.yaml',
    ).find((s) => s.spec.clusterIP === 'None');
    expect(statefulSet.spec.serviceName).toBe(headless?.metadata.name);
    for (const i of [0, 1, 2]) expect(conf).toContain(`nats://nats-${i}.${headless?.metadata.name}:6222`);
    expect(conf).toMatch(/^jetstream \{/m);
    expect(commonEnv.get('NATS_URL')).toBe('nats://nats:4222');
  });

  it('is a configuration nats-server accepts', () => {
    const check = spawnSync('nats-server', ['-c', repoPath(BASE, 'nats/nats.conf'), '-t'], {
      env: { ...process.env, POD_NAME: 'nats-0' },
      encoding: 'utf8',
    });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toContain('is valid');
  });
});

describe('production overlay', () => {
  it('replicates streams three times and runs at least two pods of every service with a disruption budget', () => {
    expect(production.resources).toContain('../../base');
    expect(productionCommon.get('STREAM_REPLICAS')).toBe('3');
    const budgets = readYamlDocuments<{
      spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } };
    }>(PRODUCTION, 'pdb.yaml');
    for (const { service } of configs) {
      expect(production.replicas?.find((r) => r.name === service)?.count, service).toBeGreaterThanOrEqual(2);
      expect(
        production.images?.find((i) => i.name === `express-quote/${service}`)?.newName,
        service,
      ).toBeTruthy();
      expect(budgets.map((b) => b.spec.selector.matchLabels['app.kubernetes.io/name'])).toContain(service);
    }
    for (const budget of budgets) {
      expect(() => new PodDisruptionBudget(budget as never).validate()).not.toThrow();
    }
    for (const patch of production.patches ?? []) expect(repoFileExists(PRODUCTION, patch.path)).toBe(true);
  });
});

const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return 'kubectl';
  } catch {
    return null;
  }
})();

const MODELS: Record<string, { validate(): void } & (new (data: never) => { validate(): void })> = {
  Namespace: Namespace as never,
  ConfigMap: ConfigMap as never,
  Service: Service as never,
  Deployment: Deployment as never,
  StatefulSet: StatefulSet as never,
  PodDisruptionBudget: PodDisruptionBudget as never,
};

// kubectl is on the project's machines (Debian package); its kustomize renders exactly what `apply -k` applies.
describe.runIf(kubectl)('rendered with kubectl kustomize', () => {
  const render = (dir: string) =>
    parseAllDocuments(execFileSync(kubectl!, ['kustomize', repoPath(dir)], { encoding: 'utf8' })).map(
      (d) =>
        d.toJS() as {
          kind: string;
          metadata: { name: string; namespace?: string };
          data?: Record<string, string>;
        } & Workload,
    );

  it.each([BASE, PRODUCTION])('%s renders objects valid for the API, all in the namespace', (dir) => {
    const objects = render(dir);
    for (const object of objects) {
      const Model = MODELS[object.kind];
      expect(Model, `a model for ${object.kind}`).toBeDefined();
      expect(
        () => new Model!(object as never).validate(),
        `${object.kind}/${object.metadata.name}`,
      ).not.toThrow();
      if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe('express-quote');
    }
    // Every ConfigMap a pod reads exists under its hash-suffixed name.
    const configMaps = new Set(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
      for (const ref of deployment.spec.template.spec.containers[0]!.envFrom ?? []) {
        if (ref.configMapRef) expect(configMaps, deployment.metadata.name).toContain(ref.configMapRef.name);
      }
    }
  });

  it('production: STREAM_REPLICAS=3 reaches every service, images come from the registry', () => {
    const objects = render(PRODUCTION);
    const common = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('express-quote-common-'),
    );
    expect(common?.data?.STREAM_REPLICAS).toBe('3');
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(configs.map((c) => c.service).sort());
    for (const d of deployments) {
      expect(d.spec.template.spec.containers[0]!.envFrom?.[0]?.configMapRef?.name).toBe(
        common?.metadata.name,
      );
      expect(d.spec.template.spec.containers[0]!.image).toMatch(/^registry\.example\.com\/express-quote\//);
      expect(d.spec.replicas).toBeGreaterThanOrEqual(2);
    }
    expect(objects.find((o) => o.kind === 'StatefulSet')?.spec.replicas).toBe(3);
  });
});
