/**
 * Validates rendered manifests against the Kubernetes OpenAPI schemas (kubernetes-models: types, required fields,
 * enums, formats). A kind the chart starts using must be added here, or validation fails.
 */
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

type Model = { validate(): void };

const MODELS: Record<string, new (data: any) => Model> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

/** Throws with the manifest's kind and name when it does not match its schema, or when its kind is unknown. */
export function validateManifest(manifest: Record<string, unknown>): void {
  const key = `${String(manifest.apiVersion)}/${String(manifest.kind)}`;
  const name = (manifest.metadata as { name?: string } | undefined)?.name ?? '(unnamed)';
  const model = MODELS[key];
  if (!model) throw new Error(`${key} ${name}: no schema known for this kind`);
  try {
    new model(manifest).validate();
  } catch (error) {
    throw new Error(`${key} ${name}: ${(error as Error).message}`);
  }
}
