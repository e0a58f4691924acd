import assert from 'node:assert/strict';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

type Json = Record<string, unknown>;

/** Headers the API sets on purpose: each one a response carries must be documented for it. */
const WATCHED_HEADERS = ['x-request-id', 'ratelimit', 'ratelimit-policy', 'retry-after', 'x-next-cursor', 'link', 'idempotent-replayed'];

/**
 * Checks real answers against an OpenAPI 3.1 document: the status is one the operation lists,
 * the JSON body validates against its schema (JSON Schema 2020-12, ajv), and every header of
 * WATCHED_HEADERS that came is declared for that answer.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: true, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  /** method + path template + status, of each answer checked: the test says which it covered. */
  readonly checked = new Set<string>();

  constructor(readonly document: Json) {
    // zod writes a pattern beside each format, so the formats need only say what they are.
    this.ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    this.ajv.addFormat('date-time', (v: string) => !Number.isNaN(Date.parse(v)) && /T.*(Z|[+-]\d\d:\d\d)$/.test(v));
    this.ajv.addFormat('date', /^\d{4}-\d\d-\d\d$/);
    this.ajv.addFormat('uri', (v: string) => URL.canParse(v));
    this.ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  }

  /** Follows a local `$ref` (`#/components/...`). */
  resolve(node: unknown): Json {
    let current = node as Json;
    while (typeof current.$ref === 'string') {
      const ref = current.$ref;
      assert.ok(ref.startsWith('#/'), `only local refs: ${ref}`);
      current = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], this.document) as Json;
      assert.ok(current, `the ref ${ref} resolves`);
    }
    return current;
  }

  operation(method: string, template: string): Json {
    const path = (this.document.paths as Json)[template] as Json | undefined;
    assert.ok(path, `the document has the path ${template}`);
    const op = path[method.toLowerCase()] as Json | undefined;
    assert.ok(op, `the document has ${method} ${template}`);
    return op;
  }

  validator(schema: Json): ValidateFunction {
    const key = JSON.stringify(schema);
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(schema);
      this.compiled.set(key, fn);
    }
    return fn;
  }

  /** Asserts that this answer to `method template` is the document's; returns the body. */
  check(method: string, template: string, res: { status: number; headers: Headers; body: unknown }): unknown {
    const op = this.operation(method, template);
    const answers = op.responses as Json;
    const declared = answers[String(res.status)];
    assert.ok(declared, `${method} ${template} answered ${res.status}, which the document does not list (${Object.keys(answers).join(', ')}): ${JSON.stringify(res.body)}`);
    const response = this.resolve(declared);
    const headers = Object.keys((response.headers as Json | undefined) ?? {}).map((h) => h.toLowerCase());
    for (const name of WATCHED_HEADERS) {
      if (res.headers.has(name)) assert.ok(headers.includes(name), `${method} ${template} ${res.status} sent ${name}, which the document does not declare`);
    }
    const content = response.content as Json | undefined;
    const json = content?.['application/json'] as Json | undefined;
    if (json) {
      const validate = this.validator(this.resolve(json.schema));
      assert.ok(validate(res.body), `${method} ${template} ${res.status}: the body does not match the document: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body, null, 1)}`);
    } else {
      assert.ok(res.body === null || res.body === '' || content, `${method} ${template} ${res.status} has a body the document does not describe`);
    }
    this.checked.add(`${method} ${template} ${res.status}`);
    return res.body;
  }
}

/** `GET` and friends with their paths as the document writes them (`{}` for every parameter). */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}').replace(/[:*][A-Za-z_]\w*/g, '{}')}`;
}
