import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = z.coerce.number().int().positive();

/**
 * Every environment variable Farmhand reads, with its default. `.env.example` documents the same list;
 * a unit test keeps the two in step.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Unset: derived from HOST and PORT (`publicUrlFrom`), so `PORT=3200 npm start` links to port 3200. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/farmhand'),
  DATABASE_POOL_SIZE: positiveInt.max(200).default(10),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
    .default('farmhand'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `/metrics` listener's port, apart from the public one; unset: api 9463, worker 9464, inference 9465; 0: off. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Where the `/metrics` listener binds: loopback unless a cluster's scraper must reach it (`0.0.0.0`). */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  SECRET_KEY: z
    .string()
    .min(32, 'must be at least 32 characters')
    .default('development-only-secret-change-me-please-0000'),
  TRUST_PROXY: z.string().default(''),
  COOKIE_SECURE: bool.default(false),
  SESSION_TTL_HOURS: positiveInt.max(24 * 90).default(24 * 14),
  INVITATION_TTL_HOURS: positiveInt.max(24 * 30).default(72),
  BODY_LIMIT_BYTES: positiveInt.max(10 * 1024 * 1024).default(256 * 1024),
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: positiveInt.default(10),
  LOGIN_MAX_ATTEMPTS_PER_CLIENT: positiveInt.default(50),
  LOGIN_WINDOW_SECONDS: positiveInt.default(15 * 60),
  SIGNUP_MAX_PER_CLIENT: positiveInt.default(10),
  SIGNUP_MAX_TOTAL: positiveInt.default(300),
  SIGNUP_WINDOW_SECONDS: positiveInt.default(3600),
  DATA_DIR: z.string().min(1).default('.data'),
  AUDIT_RETENTION_DAYS: positiveInt.default(365),
  GCODE_MAX_UPLOAD_BYTES: positiveInt.max(4 * 1024 * 1024 * 1024).default(500 * 1024 * 1024),
  GCODE_DOWNLOAD_URL_TTL_SECONDS: positiveInt.max(24 * 3600).default(15 * 60),
  SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: positiveInt.max(10_000).default(4),
  SCHEDULER_TICK_SECONDS: positiveInt.max(3600).default(30),
  WEBHOOK_ALLOW_HTTP: bool.default(false),
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  WEBHOOK_MAX_PER_ORG: positiveInt.max(1000).default(20),
  WEBHOOK_DELIVERY_RETENTION_DAYS: positiveInt.max(3650).default(30),
  /**
   * Discord's HTTP API, where chat-ops edits a deferred interaction answer with its outcome
   * (`PATCH {DISCORD_API_URL}/webhooks/{application_id}/{token}/messages/@original`). Tests point it at a local receiver.
   */
  DISCORD_API_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .default('https://discord.com/api/v10'),
  /** Notification channels (Slack, Discord, Telegram, ntfy, email) an organization may configure. */
  NOTIFICATION_CHANNELS_MAX_PER_ORG: positiveInt.max(1000).default(20),
  /** The platforms' API roots; changed only to point tests (or a proxy) elsewhere. */
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).default('https://slack.com/api'),
  TELEGRAM_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
  /**
   * Web Push (VAPID, RFC 8292): the application server's P-256 key pair as base64url (`npm run vapid` prints one).
   * Both unset: push is off (the endpoints answer 503 push_not_configured); one without the other: refused at boot.
   */
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/, 'must be a base64url P-256 public key (87 characters)')
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url P-256 private key (43 characters)')
    .optional(),
  /** Who push services may contact about this server: `mailto:` or an `https:` URL. Unset: mailto:farmhand@localhost. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'must be a mailto: address or an https:// URL')
    .optional(),
  /** Push endpoints on plain http:// and on loopback / private addresses: tests and a LAN push service only. */
  PUSH_ALLOW_HTTP: bool.default(false),
  PUSH_ALLOW_PRIVATE: bool.default(false),
  /** OpenID Connect issuers (single sign-on): plain http:// refused unless true. */
  OIDC_ALLOW_HTTP: bool.default(false),
  /** OpenID Connect issuers on loopback and private addresses (an identity provider on the LAN); metadata: never. */
  OIDC_ALLOW_PRIVATE: bool.default(false),
  FRAME_MAX_BYTES: positiveInt.max(50 * 1024 * 1024).default(5 * 1024 * 1024),
  FRAME_MAX_PIXELS: positiveInt.max(500_000_000).default(40_000_000),
  FRAME_RETENTION_DAYS: positiveInt.max(3650).default(7),
  INFERENCE_MODEL_DIR: z.string().min(1).default('models/default'),
  INFERENCE_PROVIDERS: z.string().default('cpu'),
  INFERENCE_BATCH_SIZE: positiveInt.max(64).default(4),
  INFERENCE_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(100),
  INFERENCE_THREADS: z.coerce.number().int().min(0).max(256).default(0),
  DETECTION_WARMUP_FRAMES: z.coerce.number().int().min(0).max(1_000).default(0),
  WEB_DIST_DIR: z.string().min(1).default('apps/web/dist'),
  /** The single-file agent (`node apps/agent/build.mjs`) the api serves at `/agent/farmhand-agent.cjs`. */
  AGENT_BUNDLE_PATH: z.string().min(1).default('dist/agent/farmhand-agent.cjs'),
  /**
   * Outgoing mail (invitations, password resets, email verification, email notifications): `smtp://user:pass@host:587`
   * (STARTTLS when the server offers it) or `smtps://…:465` (TLS). Unset: no mail is sent and the dashboard offers
   * copy-a-link paths instead.
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  /**
   * New accounts must verify their email before they create or join an organization. Unset: required when SMTP_URL
   * is set (a verification mail can reach them), off otherwise (docs/security.md, "Email verification").
   */
  EMAIL_VERIFICATION_REQUIRED: bool.optional(),
  /** How long a password-reset link works. */
  PASSWORD_RESET_TTL_MINUTES: positiveInt.max(24 * 60).default(30),
  /** How long an email-verification link works. */
  EMAIL_VERIFICATION_TTL_HOURS: positiveInt.max(24 * 14).default(48),
  /** The From of every mail Farmhand sends. */
  MAIL_FROM: z.string().min(3).default('Farmhand <farmhand@localhost>'),
  /** Readable API documentation (Swagger UI) at `/api/docs`; unset: on except in production. */
  API_DOCS_ENABLED: bool.optional(),
  SHUTDOWN_GRACE_MS: positiveInt.max(10 * 60 * 1000).default(20_000),
  QUEUE_LOCK_DURATION_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(10 * 60 * 1000)
    .default(15_000),
});

export type AppConfig = Omit<z.infer<typeof configSchema>, 'PUBLIC_URL'> & { PUBLIC_URL: string };
