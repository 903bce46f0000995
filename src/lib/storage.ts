import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";

/**
 * Where media files live. Local directory under the data dir by default; the interface is small so an
 * S3-compatible store can replace it. Keys are relative paths made by Relais (never user input).
 */
export interface FileStorage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** The file, or the inclusive byte range [start, end] of it (HTTP Range requests for video). */
  stream(key: string, range?: { start: number; end: number }): Readable;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

const SAFE_KEY = /^[a-zA-Z0-9][a-zA-Z0-9/_.-]*$/;

export class LocalStorage implements FileStorage {
  constructor(readonly root: string) {}

  private file(key: string): string {
    if (!SAFE_KEY.test(key) || key.includes("..")) throw new Error(`Invalid storage key: ${key}`);
    return path.join(this.root, key);
  }

  /** Writes through a temporary file and a rename: a crash never leaves a half-written file under the key. */
  async put(key: string, data: Buffer): Promise<void> {
    const target = this.file(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, target);
  }
  get(key: string): Promise<Buffer> {
    return fs.readFile(this.file(key));
  }
  stream(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.file(key), range);
  }
  async exists(key: string): Promise<boolean> {
    try {
      await fs.access(this.file(key));
      return true;
    } catch {
      return false;
    }
  }
  async delete(key: string): Promise<void> {
    await fs.rm(this.file(key), { force: true });
  }
}
