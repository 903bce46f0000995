import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

/**
 * The published Mastodon API description (abraham/mastodon-openapi, copied here with its LICENSE so a clean
 * clone needs nothing beside it) turned into validators: the fake instance checks every request it
 * receives and every answer it gives against it.
 *
 * Two deliberate departures from a literal reading, both because the generated description is looser or
 * stricter than Mastodon itself:
 * - `oneOf` is read as `anyOf`: the status body is oneOf [TextStatus, MediaStatus, PollStatus] whose
 *   branches overlap (a status with text and media matches two), which Mastodon accepts.
 * - header parameters are strings (the description types Idempotency-Key as an object).
 */

type Json = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export const SPEC_PATH = fileURLToPath(new URL("./mastodon-openapi.json", import.meta.url));

function relaxOneOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relaxOneOf);
  if (node && typeof node === "object") {
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) out[k === "oneOf" ? "anyOf" : k] = relaxOneOf(v);
    return out;
  }
  return node;
}

export interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  pathParams: string[];
  op: Json;
}

export class MastodonSpec {
  readonly doc: Json;
  private readonly ajv: Ajv2020;
  private readonly queryAjv: Ajv2020;
  private readonly ops: Operation[] = [];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    this.doc = relaxOneOf(JSON.parse(readFileSync(SPEC_PATH, "utf8"))) as Json;
    const make = (coerce: boolean) => {
      const ajv = new Ajv2020({
        strict: false,
        allErrors: true,
        logger: false,
        validateFormats: true,
        ...(coerce ? { coerceTypes: "array" as const } : {}),
      });
      addFormats(ajv);
      ajv.addSchema({ ...this.doc, $id: "spec" });
      return ajv;
    };
    this.ajv = make(false);
    this.queryAjv = make(true);
    for (const [template, item] of Object.entries(this.doc.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(item)) {
        const pathParams: string[] = [];
        const pattern = template.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\{([^}]+)\\\}/g, (_m, name) => {
          pathParams.push(name);
          return "([^/]+)";
        });
        this.ops.push({
          method: method.toUpperCase(),
          template,
          regex: new RegExp(`^${pattern}$`),
          pathParams,
          op: op as Json,
        });
      }
    }
    // Literal paths before templated ones (/api/v1/statuses/{id} must not swallow a literal sibling).
    this.ops.sort((a, b) => a.pathParams.length - b.pathParams.length);
  }

  /** The operation the description defines for this method and path, or undefined. */
  find(method: string, path: string): (Operation & { params: Record<string, string> }) | undefined {
    for (const o of this.ops) {
      if (o.method !== method) continue;
      const m = o.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      o.pathParams.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? "");
      });
      return { ...o, params };
    }
    return undefined;
  }

  private compile(key: string, schema: Json, coerce = false): ValidateFunction {
    const cacheKey = `${coerce}:${key}`;
    let v = this.cache.get(cacheKey);
    if (!v) {
      v = (coerce ? this.queryAjv : this.ajv).compile(rewriteRefs(schema) as Json);
      this.cache.set(cacheKey, v);
    }
    return v;
  }

  /** Validates a schema from components.schemas against a value; returns error strings (empty = valid). */
  validateEntity(name: string, value: unknown): string[] {
    const v = this.compile(`entity:${name}`, { $ref: `#/components/schemas/${name}` });
    return v(value) ? [] : errorsOf(v, name);
  }

  /**
   * Validates an incoming request: path, query and header parameters, and the body (JSON or the fields of a
   * multipart form, files as strings). Returns error strings (empty = valid).
   */
  validateRequest(
    op: Operation & { params: Record<string, string> },
    req: {
      query: Record<string, string | string[]>;
      headers: Record<string, string | undefined>;
      body: unknown;
      contentType: string | null;
    },
  ): string[] {
    const errors: string[] = [];
    const parameters = (op.op.parameters as Json[] | undefined) ?? [];
    const queryProps: Json = {};
    const queryRequired: string[] = [];
    for (const p of parameters) {
      const name = String(p.name);
      if (p.in === "query") {
        queryProps[name] = p.schema ?? {};
        if (p.required) queryRequired.push(name);
      } else if (p.in === "header") {
        const value = req.headers[name.toLowerCase()];
        if (value !== undefined && !value.trim()) errors.push(`header ${name}: empty`);
        if (p.required && value === undefined) errors.push(`header ${name}: required`);
      } else if (p.in === "path" && !op.params[name]) {
        errors.push(`path ${name}: required`);
      }
    }
    // Array parameters arrive as `types[]=a&types[]=b` (Rails style, what Mastodon and masto use).
    const query: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(req.query)) query[k.replace(/\[\]$/, "")] = v;
    const unknown = Object.keys(query).filter((k) => !(k in queryProps));
    if (unknown.length) errors.push(`query: unknown parameters ${unknown.join(", ")}`);
    const qv = this.compile(
      `query:${op.method} ${op.template}`,
      { type: "object", properties: queryProps, required: queryRequired },
      true,
    );
    if (!qv(query)) errors.push(...errorsOf(qv, "query"));

    const body = op.op.requestBody as Json | undefined;
    if (body) {
      const content = body.content as Record<string, Json>;
      const type = (req.contentType ?? "").split(";")[0]?.trim() ?? "";
      // Mastodon accepts form-encoded bodies wherever it documents JSON ones (OAuth clients send forms).
      const media =
        content[type] ?? (type === "application/x-www-form-urlencoded" ? content["application/json"] : undefined);
      if (!media) {
        if (body.required || req.body !== undefined) errors.push(`body: content type ${type || "(none)"} not accepted`);
      } else {
        const v = this.compile(`body:${op.method} ${op.template}:${type}`, media.schema as Json);
        if (!v(req.body ?? {})) errors.push(...errorsOf(v, "body"));
      }
    }
    return errors;
  }

  /** Validates an answer against the operation's response schema for that status (JSON bodies). */
  validateResponse(op: Operation, status: number, body: unknown): string[] {
    const responses = op.op.responses as Record<string, Json>;
    const r = responses[String(status)];
    if (!r) return [`response ${status}: not described for ${op.method} ${op.template}`];
    const content = r.content as Record<string, Json> | undefined;
    const schema = content?.["application/json"]?.schema as Json | undefined;
    if (!schema) return [];
    const v = this.compile(`response:${op.method} ${op.template}:${status}`, schema);
    return v(body) ? [] : errorsOf(v, `response ${status} ${op.method} ${op.template}`);
  }
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === "object") {
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `spec${v}` : rewriteRefs(v);
    }
    return out;
  }
  return node;
}

function errorsOf(v: ValidateFunction, where: string): string[] {
  return (v.errors ?? []).slice(0, 10).map((e) => `${where}${e.instancePath} ${e.message ?? e.keyword}`);
}

let shared: MastodonSpec | undefined;
/** One parsed description per process (it is 1.4 MB). */
export function mastodonSpec(): MastodonSpec {
  shared ??= new MastodonSpec();
  return shared;
}
