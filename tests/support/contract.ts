import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Checks answers against the server's own `/openapi.json`, with every object closed (`additionalProperties: false`
 * unless the document says otherwise): a field the server sends but the document does not declare is a mismatch too.
 */
type Json = Record<string, any>;
const DOC = 'https://rastreo.test/openapi';

function closed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(closed);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, key === 'example' ? item : closed(item)]),
  );
  if (typeof out.$ref === 'string' && out.$ref.startsWith('#/components/schemas/'))
    out.$ref = `${DOC}#/$defs/${out.$ref.slice(21)}`;
  if (
    out.type === 'object' &&
    out.properties &&
    out.additionalProperties === undefined &&
    out.patternProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  return out;
}

export class Contract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  private readonly compiled = new Map<unknown, ValidateFunction>();
  private readonly routes: { method: string; pattern: RegExp; params: number; operation: Json }[] = [];

  constructor(readonly doc: Json) {
    addFormats.default(this.ajv);
    this.ajv.addSchema({ $id: DOC, $defs: closed(doc.components.schemas) as Json });
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      const pattern = new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const [method, operation] of Object.entries(item)) {
        this.routes.push({
          method: method.toUpperCase(),
          pattern,
          params: (path.match(/\{/g) ?? []).length,
          operation,
        });
      }
    }
    // A literal segment wins over a parameter (`/traces/bulk` before `/traces/{id}`).
    this.routes.sort((a, b) => a.params - b.params);
  }

  /** The errors of `value` against `schema` (a schema of the document, `$ref`s and all); empty when it conforms. */
  errors(schema: unknown, value: unknown): string[] {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(closed(schema) as Json);
      this.compiled.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`,
    );
  }

  operation(method: string, pathname: string): Json | undefined {
    return this.routes.find((route) => route.method === method && route.pattern.test(pathname))?.operation;
  }

  /**
   * The headers of an answer against its response's declared ones: a header with a meaning for clients (`Link`,
   * `Retry-After`, `Location`, `ETag`, `Idempotent-Replayed`) is sent only where declared, each declared one that is
   * sent conforms to its schema, and every 503 says when to come back.
   */
  headerErrors(status: number, response: Json, headers: Headers): string[] {
    const declared = Object.fromEntries(
      Object.entries((response.headers ?? {}) as Json).map(([name, value]) => [
        name.toLowerCase(),
        typeof value.$ref === 'string' ? this.doc.components.headers[value.$ref.split('/').at(-1)!] : value,
      ]),
    );
    const errors: string[] = [];
    if (status === 503 && !headers.has('retry-after')) errors.push('a 503 without Retry-After');
    for (const name of ['link', 'retry-after', 'location', 'etag', 'idempotent-replayed']) {
      const value = headers.get(name);
      if (value === null) continue;
      const header = declared[name] as Json | undefined;
      if (!header) {
        errors.push(`header ${name} is sent but not declared`);
        continue;
      }
      const schema = header.schema as Json;
      const typed = schema?.type === 'integer' && /^\d+$/.test(value) ? Number(value) : value;
      for (const error of this.errors(schema, typed)) errors.push(`header ${name}: ${error}`);
    }
    return errors;
  }

  /** Why this answer disagrees with the document, or undefined when it agrees (or the document does not cover it). */
  check(
    method: string,
    url: string,
    status: number,
    contentType: string | null,
    body: unknown,
    headers: Headers = new Headers(),
  ): string | undefined {
    const pathname = new URL(url, 'http://x').pathname;
    const operation = this.operation(method, pathname);
    if (!operation) {
      return pathname.startsWith('/api/v1/') && status !== 404 && status !== 405 && status !== 204
        ? `${method} ${pathname} answered ${status} but the document has no such operation`
        : undefined;
    }
    const responses = operation.responses as Json;
    const response = responses[status] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    if (!response) return `${method} ${pathname} answered ${status}, which the document does not list`;
    const headerErrors = this.headerErrors(status, response, headers);
    if (headerErrors.length) return `${method} ${pathname} ${status}: ${headerErrors.join('; ')}`;
    const type = (contentType ?? '').split(';')[0]!.trim();
    if (!response.content)
      return body === undefined || body === ''
        ? undefined
        : `${method} ${pathname} ${status} has a body the document does not declare`;
    const media = response.content[type];
    if (!media)
      return `${method} ${pathname} ${status} answered ${type || 'no body'}, the document says ${Object.keys(response.content).join(', ')}`;
    if (!type.includes('json')) return undefined;
    const errors = this.errors(media.schema, body);
    return errors.length ? `${method} ${pathname} ${status}: ${errors.slice(0, 5).join('; ')}` : undefined;
  }
}
