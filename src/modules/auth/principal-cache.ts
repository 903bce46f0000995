import type { Database } from "../../db/client.js";
import type { Principal } from "./auth.service.js";

/**
 * Remembers who a session cookie or API token belongs to for a few seconds, saving a database round trip
 * on most requests. Only with the embedded database: there a single process serves every request, so
 * logout, revocation and password changes invalidate the cache exactly. With PostgreSQL several API
 * processes would each keep stale entries, so the cache is off.
 */
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  principal: Principal;
  until: number;
}

class PrincipalCache {
  private readonly entries = new Map<string, Entry>();

  get(key: string): Principal | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.principal;
  }

  set(key: string, principal: Principal): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { principal, until: Date.now() + TTL_MS });
  }

  /** Forgets every entry of a user (password change, profile change, token revocation). */
  forgetUser(userId: string): void {
    for (const [k, e] of this.entries) if (e.principal.user.id === userId) this.entries.delete(k);
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

const caches = new WeakMap<Database, PrincipalCache>();

/** The cache for this database, or undefined when caching is off (PostgreSQL). */
export function principalCache(database: Database): PrincipalCache | undefined {
  if (database.kind !== "pglite") return undefined;
  let c = caches.get(database);
  if (!c) {
    c = new PrincipalCache();
    caches.set(database, c);
  }
  return c;
}
