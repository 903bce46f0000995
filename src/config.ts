import path from "node:path";
import { z } from "zod";

/**
 * The only place that reads process.env. Every problem is listed at once so an operator fixes the
 * environment in one pass instead of one variable per restart.
 */
const boolish = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  RELAIS_DATA_DIR: z.string().min(1).default("./data"),
  RELAIS_PUBLIC_URL: z.string().url().optional(),
  RELAIS_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hexadecimal characters (32 bytes)")
    .optional(),
  RELAIS_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  RELAIS_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
    .optional(),
  RELAIS_MAIL_FROM: z.string().min(3).default("Relais <relais@localhost>"),
  RELAIS_SECURE_COOKIES: boolish,
  RELAIS_ALLOW_PRIVATE_NETWORK: boolish,
  RELAIS_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  RELAIS_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(10),
  RELAIS_BODY_LIMIT: z.coerce.number().int().min(1024).default(1_048_576),
  RELAIS_MEDIA_MAX_IMAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1024 * 1024),
  RELAIS_MEDIA_MAX_VIDEO_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(512 * 1024 * 1024),
  RELAIS_FEEDS_MIN_INTERVAL: z.coerce.number().int().min(60).default(300),
  RELAIS_FEEDS_MAX_INTERVAL: z.coerce.number().int().min(60).default(86_400),
  RELAIS_FEEDS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  RELAIS_FEEDS_PER_HOST: z.coerce.number().int().min(1).max(32).default(2),
  RELAIS_FEEDS_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  RELAIS_FEEDS_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  secretKeyHex: string | undefined;
  logLevel: z.infer<typeof envSchema>["RELAIS_LOG_LEVEL"];
  smtpUrl: string | undefined;
  mailFrom: string;
  secureCookies: boolean;
  allowPrivateNetwork: boolean;
  sessionDays: number;
  loginRateLimit: number;
  bodyLimit: number;
  /** Upload limits of the media library, per kind (an animated GIF counts as an image). */
  mediaMaxImageBytes: number;
  mediaMaxVideoBytes: number;
  /** Veille poller: adaptive interval bounds (seconds), fetch concurrency (global, per host), limits. */
  feeds: {
    minIntervalSeconds: number;
    maxIntervalSeconds: number;
    concurrency: number;
    perHost: number;
    timeoutMs: number;
    maxBytes: number;
  };
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
  }
}

/** Parses the environment (defaults to process.env) into a typed Config, or throws ConfigError listing every problem. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const e = parsed.data;
  const port = overrides.port ?? e.PORT;
  const config: Config = {
    port,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.RELAIS_DATA_DIR),
    publicUrl: (e.RELAIS_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ""),
    secretKeyHex: e.RELAIS_SECRET_KEY,
    logLevel: e.RELAIS_LOG_LEVEL,
    smtpUrl: e.RELAIS_SMTP_URL,
    mailFrom: e.RELAIS_MAIL_FROM,
    secureCookies: e.RELAIS_SECURE_COOKIES,
    allowPrivateNetwork: e.RELAIS_ALLOW_PRIVATE_NETWORK,
    sessionDays: e.RELAIS_SESSION_DAYS,
    loginRateLimit: e.RELAIS_LOGIN_RATE_LIMIT,
    bodyLimit: e.RELAIS_BODY_LIMIT,
    mediaMaxImageBytes: e.RELAIS_MEDIA_MAX_IMAGE_BYTES,
    mediaMaxVideoBytes: e.RELAIS_MEDIA_MAX_VIDEO_BYTES,
    feeds: {
      minIntervalSeconds: e.RELAIS_FEEDS_MIN_INTERVAL,
      maxIntervalSeconds: Math.max(e.RELAIS_FEEDS_MAX_INTERVAL, e.RELAIS_FEEDS_MIN_INTERVAL),
      concurrency: e.RELAIS_FEEDS_CONCURRENCY,
      perHost: e.RELAIS_FEEDS_PER_HOST,
      timeoutMs: e.RELAIS_FEEDS_TIMEOUT_MS,
      maxBytes: e.RELAIS_FEEDS_MAX_BYTES,
    },
  };
  return { ...config, ...overrides };
}
