import * as ort from 'onnxruntime-node';
import { silentLogger, type InferenceLogger } from './inference-logger';

/** Execution providers onnxruntime-node can be asked for on Linux; 'cpu' is always available. */
export const EXECUTION_PROVIDERS = ['cpu', 'webgpu', 'cuda', 'tensorrt'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

export class InferenceConfigError extends Error {
  readonly code = 'INFERENCE_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'InferenceConfigError';
  }
}

/** Parses a list such as `INFERENCE_PROVIDERS=webgpu,cpu`; an empty value means CPU only. */
export function parseExecutionProviders(value: string | undefined): ExecutionProvider[] {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  if (names.length === 0) return ['cpu'];
  const unknown = names.filter((n) => !(EXECUTION_PROVIDERS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new InferenceConfigError(
      `unknown execution provider(s) ${unknown.join(', ')}; use ${EXECUTION_PROVIDERS.join(', ')}`,
    );
  }
  return [...new Set(names)] as ExecutionProvider[];
}

export interface OpenSessionOptions {
  /** In order of preference; CPU is tried last even when not listed. */
  providers: readonly ExecutionProvider[];
  /** onnxruntime's intra-op threads (0 or undefined: its default, one per physical core). */
  intraOpNumThreads?: number;
  logger?: InferenceLogger;
  /** Included in log lines, to tell models apart. */
  modelName?: string;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The provider the session was created with. */
  provider: ExecutionProvider;
  /** Providers that failed before it, with onnxruntime's reason. */
  failed: { provider: ExecutionProvider; reason: string }[];
}

/**
 * Creates the session with the first provider that works. onnxruntime fails the whole creation when any listed
 * provider cannot start (it does not skip to the next), so each is tried on its own; nodes a GPU provider cannot run
 * still fall back to onnxruntime's CPU kernels inside that session.
 */
export async function openInferenceSession(
  model: string | Uint8Array,
  options: OpenSessionOptions,
): Promise<OpenedSession> {
  const logger = options.logger ?? silentLogger;
  const order: ExecutionProvider[] = [...new Set([...options.providers, 'cpu' as const])];
  const failed: OpenedSession['failed'] = [];
  for (const provider of order) {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    };
    if (options.intraOpNumThreads) sessionOptions.intraOpNumThreads = options.intraOpNumThreads;
    try {
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, sessionOptions)
          : await ort.InferenceSession.create(model, sessionOptions);
      const details = { model: options.modelName, provider, requested: options.providers, failed };
      if (failed.length > 0 || !options.providers.includes(provider)) {
        logger.warn(details, `inference falls back to the ${provider} execution provider`);
      } else {
        logger.info(details, `inference runs on the ${provider} execution provider`);
      }
      return { session, provider, failed };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failed.push({ provider, reason });
      logger.warn({ model: options.modelName, provider, reason }, `execution provider ${provider} is unavailable`);
    }
  }
  throw new InferenceConfigError(
    `no execution provider could run the model: ${failed.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`,
  );
}
