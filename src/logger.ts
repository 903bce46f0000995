import pino, { type Logger } from "pino";
import type { Config } from "./config.js";

/** JSON logs to stderr-free stdout; secrets are redacted wherever they may appear. */
export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        "req.headers['x-csrf-token']",
        "*.password",
        "*.currentPassword",
        "*.newPassword",
        "*.token",
        "*.password_hash",
      ],
      censor: "[redacted]",
    },
  });
}
