import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Encryption at rest for network credentials (AES-256-GCM). The key comes from RELAIS_SECRET_KEY, or is
 * generated once into the data dir (secret.key, mode 0600). Several processes sharing one PostgreSQL must
 * share the key: set RELAIS_SECRET_KEY on each.
 * Format: "v1:" + base64url(iv[12] | tag[16] | ciphertext).
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromHex(hex: string): SecretBox {
    const key = Buffer.from(hex, "hex");
    if (key.length !== 32) throw new Error("The secret key must be 32 bytes (64 hexadecimal characters)");
    return new SecretBox(key);
  }

  /** The configured key, or the data dir's key file, created on first use. */
  static load(options: { keyHex?: string; dataDir: string }): SecretBox {
    if (options.keyHex) return SecretBox.fromHex(options.keyHex);
    const file = path.join(options.dataDir, "secret.key");
    try {
      return SecretBox.fromHex(fs.readFileSync(file, "utf8").trim());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    fs.mkdirSync(options.dataDir, { recursive: true });
    const hex = randomBytes(32).toString("hex");
    try {
      // wx: if another process created it meanwhile, use theirs.
      fs.writeFileSync(file, `${hex}\n`, { mode: 0o600, flag: "wx" });
      return SecretBox.fromHex(hex);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      return SecretBox.fromHex(fs.readFileSync(file, "utf8").trim());
    }
  }

  encrypt(plaintext: string, associatedData = ""): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
  }

  /** Throws if the value was tampered with, encrypted under another key or for other associated data. */
  decrypt(sealed: string, associatedData = ""): string {
    if (!sealed.startsWith("v1:")) throw new Error("Unknown secret format");
    const raw = Buffer.from(sealed.slice(3), "base64url");
    if (raw.length < 28) throw new Error("Secret too short");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  }

  /**
   * A 32-byte key for another purpose (e.g. "media-url-signing"), derived with HKDF-SHA256 so the AES key
   * itself is never used for anything but encryption, and each purpose gets an independent key.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.key, Buffer.alloc(0), `relais:${purpose}`, 32));
  }

  encryptJson(value: unknown, associatedData = ""): string {
    return this.encrypt(JSON.stringify(value), associatedData);
  }

  decryptJson<T>(sealed: string, associatedData = ""): T {
    return JSON.parse(this.decrypt(sealed, associatedData)) as T;
  }
}
