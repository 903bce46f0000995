import nodemailer from "nodemailer";
import type { Logger } from "pino";
import type { Config } from "../config.js";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** A Message-ID to use instead of a generated one ("<id@host>"): a re-send of the same message keeps it. */
  messageId?: string;
  /** Extra headers (e.g. "X-Relais-Delivery"). */
  headers?: Record<string, string>;
}

export interface Mailer {
  /** True when SMTP is configured; otherwise messages are only logged (links stay copyable in the UI). */
  readonly enabled: boolean;
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer when RELAIS_SMTP_URL is set; a logging mailer otherwise. */
export function createMailer(config: Pick<Config, "smtpUrl" | "mailFrom">, logger: Logger): Mailer {
  if (!config.smtpUrl) {
    return {
      enabled: false,
      async send(m) {
        logger.info({ to: m.to, subject: m.subject }, "SMTP not configured: e-mail not sent");
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(config.smtpUrl);
  return {
    enabled: true,
    async send(m) {
      await transport.sendMail({
        from: config.mailFrom,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        ...(m.messageId ? { messageId: m.messageId } : {}),
        ...(m.headers ? { headers: m.headers } : {}),
      });
    },
    close() {
      transport.close();
    },
  };
}
