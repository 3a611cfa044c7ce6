/**
 * Checks an answer against the OpenAPI document (the subset of OpenAPI 3.0 the api's document uses: $ref, allOf,
 * oneOf, nullable, enum, formats date-time and uuid). Strict: a property the schema does not declare is a problem,
 * so the document cannot fall behind what the services return.
 */
type Schema = {
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
};

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses?: Record<string, Response> };
}
interface Operation {
  operationId: string;
  responses: Record<string, Response | { $ref: string }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Response {
  description: string;
  content?: Record<string, { schema: Schema }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class OpenApiConformance {
  constructor(readonly document: OpenApiDocument) {}

  /** The operation a concrete request reached (`GET /api/orgs/<uuid>/jobs`), with its path template. */
  operation(method: string, url: string): { template: string; operation: Operation } | undefined {
    const path = url.split('?')[0]!;
    for (const [template, item] of Object.entries(this.document.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const operation = item[method.toLowerCase()];
      if (operation && pattern.test(path)) return { template, operation };
    }
    return undefined;
  }

  /** Everything wrong with an answer: an undeclared status, an error code not listed, a body off its schema. */
  problems(method: string, url: string, status: number, contentType: string | null, body: unknown): string[] {
    const found = this.operation(method, url);
    if (!found) return [`${method} ${url}: no such operation in the document`];
    const where = `${method} ${found.template} ${status}`;
    const declared = found.operation.responses[String(status)];
    if (!declared) return [`${where}: status not declared`];
    const response = this.response(declared);
    const media = (contentType ?? '').split(';')[0]!.trim();
    if (!response.content) return body === undefined || body === '' ? [] : [`${where}: body where none is declared`];
    const content = response.content[media];
    if (!content) return [`${where}: content type ${media || 'none'} not declared`];
    if (media !== 'application/json') return [];
    return this.check(content.schema, body, '').map((problem) => `${where}: ${problem}`);
  }

  private response(value: Response | { $ref: string }): Response {
    if ('$ref' in value) return this.document.components.responses![value.$ref.split('/').pop()!]!;
    return value;
  }

  private resolve(schema: Schema): Schema {
    return schema.$ref ? this.resolve(this.document.components.schemas[schema.$ref.split('/').pop()!]!) : schema;
  }

  private check(schema: Schema, value: unknown, at: string): string[] {
    return [...this.validate(schema, value, at), ...this.undeclared(schema, value, at)];
  }

  /** Types, required properties, enums, nullability and formats; properties the schema does not name are let be. */
  private validate(input: Schema, value: unknown, at: string): string[] {
    const schema = this.resolve(input);
    const here = at || '(body)';
    if (value === null) return schema.nullable ? [] : [`${here} is null, not nullable`];
    if (schema.enum && !schema.enum.includes(value)) return [`${here} = ${JSON.stringify(value)} not in the enum`];
    if (schema.oneOf) {
      return schema.oneOf.some((option) => this.check(option, value, at).length === 0)
        ? []
        : [`${here} matches none of oneOf`];
    }
    const problems = (schema.allOf ?? []).flatMap((part) => this.validate(part, value, at));
    switch (schema.type) {
      case 'object': {
        if (typeof value !== 'object' || Array.isArray(value)) return [`${here} is not an object`];
        const record = value as Record<string, unknown>;
        for (const name of schema.required ?? [])
          if (!(name in record)) problems.push(`${at ? `${at}.` : ''}${name} is missing`);
        for (const [name, property] of Object.entries(schema.properties ?? {}))
          if (name in record) problems.push(...this.validate(property, record[name], at ? `${at}.${name}` : name));
        return problems;
      }
      case 'array':
        if (!Array.isArray(value)) return [`${here} is not an array`];
        return value.flatMap((item, index) => this.validate(schema.items ?? {}, item, `${at}[${index}]`));
      case 'string':
        if (typeof value !== 'string') return [`${here} is not a string`];
        if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) return [`${here} is not a date-time`];
        if (schema.format === 'uuid' && !UUID.test(value)) return [`${here} is not a uuid`];
        return problems;
      case 'number':
        return typeof value === 'number' ? problems : [`${here} is not a number`];
      case 'integer':
        return Number.isInteger(value) ? problems : [`${here} is not an integer`];
      case 'boolean':
        return typeof value === 'boolean' ? problems : [`${here} is not a boolean`];
      default:
        return problems;
    }
  }

  /** Properties of the answer that no schema names, at any depth (through $ref, allOf and the matching oneOf). */
  private undeclared(input: Schema, value: unknown, at: string): string[] {
    const schema = this.resolve(input);
    if (value === null || typeof value !== 'object') return [];
    if (Array.isArray(value))
      return value.flatMap((item, index) => this.undeclared(schema.items ?? {}, item, `${at}[${index}]`));
    // validate() found an option the answer matches whole, undeclared properties included, or said it matches none.
    if (schema.oneOf) return [];
    const { properties, open, typed } = this.declared(schema);
    if (!typed) return [];
    const problems: string[] = [];
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      const path = at ? `${at}.${name}` : name;
      const declared = properties[name];
      if (declared) problems.push(...this.undeclared(declared, item, path));
      else if (!open) problems.push(`${path} is not in the document`);
    }
    return problems;
  }

  /** What an object schema declares through $ref and allOf; a property named by several parts is all of them. */
  private declared(input: Schema): { properties: Record<string, Schema>; open: boolean; typed: boolean } {
    const schema = this.resolve(input);
    const properties: Record<string, Schema> = {};
    const add = (name: string, property: Schema) => {
      properties[name] = properties[name] ? { allOf: [properties[name]!, property] } : property;
    };
    for (const [name, property] of Object.entries(schema.properties ?? {})) add(name, property);
    let open = schema.additionalProperties !== undefined && schema.additionalProperties !== false;
    let typed = schema.type === 'object';
    for (const part of schema.allOf ?? []) {
      const inner = this.declared(part);
      for (const [name, property] of Object.entries(inner.properties)) add(name, property);
      open ||= inner.open;
      typed ||= inner.typed;
    }
    return { properties, open, typed };
  }
}
