import { ConfigurationError } from './configuration.error';
import { configSchema, type AppConfig } from './config.schema';

const DEVELOPMENT_SECRET = 'development-only-secret-change-me-please-0000';

/**
 * The address people and agents reach this server at when PUBLIC_URL is unset: HOST and PORT as the server listens,
 * with a wildcard or loopback HOST read as `localhost` (a browser cannot open 0.0.0.0 on every system).
 */
export function publicUrlFrom(host: string, port: number): string {
  const wildcard = ['0.0.0.0', '::', '[::]', '127.0.0.1', '::1', '[::1]'].includes(host);
  const name = wildcard ? 'localhost' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** Whether PUBLIC_URL was left to its derived default (a production server should say where it is reached). */
export function publicUrlDerived(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.PUBLIC_URL;
}

/** Validates the environment once, at boot. Every message names the variable it is about. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(problems);
  }
  const config: AppConfig = {
    ...parsed.data,
    PUBLIC_URL: parsed.data.PUBLIC_URL ?? publicUrlFrom(parsed.data.HOST, parsed.data.PORT),
  };
  if (config.NODE_ENV === 'production' && config.SECRET_KEY === DEVELOPMENT_SECRET) {
    throw new ConfigurationError(['SECRET_KEY: must be set to a random value in production (openssl rand -hex 32)']);
  }
  if (Boolean(config.VAPID_PUBLIC_KEY) !== Boolean(config.VAPID_PRIVATE_KEY)) {
    const missing = config.VAPID_PUBLIC_KEY ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY';
    throw new ConfigurationError([`${missing}: set both VAPID keys or neither (npm run vapid prints a pair)`]);
  }
  return config;
}
