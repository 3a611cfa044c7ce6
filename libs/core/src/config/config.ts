import { ConfigurationError } from './configuration.error';
import { configSchema, type AppConfig } from './config.schema';

const DEVELOPMENT_SECRET = 'development-only-secret-change-me-please-0000';

/** Validates the environment once, at boot. Every message names the variable it is about. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(problems);
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production' && config.SECRET_KEY === DEVELOPMENT_SECRET) {
    throw new ConfigurationError(['SECRET_KEY: must be set to a random value in production (openssl rand -hex 32)']);
  }
  return config;
}
