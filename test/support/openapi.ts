/**
 * Just enough of OpenAPI 3.0 schema validation to hold real responses to the document the app serves: types,
 * nullable, enum, required, properties, items, allOf and $ref into components. Strict where a generated client would
 * be: an object may carry only the properties its schema declares (unless it says additionalProperties), so a field
 * the service returns and the document does not describe is an error too.
 */

export type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

export type Operation = {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
};

export type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  let s = schema;
  for (let hops = 0; s.$ref; hops++) {
    if (hops > 20) throw new Error(`$ref loop at ${schema.$ref}`);
    const name = s.$ref.replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`unresolved $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

/** Every way `value` breaks `schema`, as "path: problem" lines; empty when it conforms. */
export function schemaErrors(doc: OpenApiDocument, schema: Schema, value: unknown, path = '$', strict = true): string[] {
  const s = resolve(doc, schema);
  if (value === null) return s.nullable || s.type === undefined ? [] : [`${path}: null, but the schema is not nullable`];
  if (s.allOf) return s.allOf.flatMap((part) => schemaErrors(doc, part, value, path, strict));
  if (s.oneOf || s.anyOf) {
    const options = (s.oneOf ?? s.anyOf)!;
    return options.some((o) => schemaErrors(doc, o, value, path, strict).length === 0) ? [] : [`${path}: matches none of the alternatives`];
  }
  const errors: string[] = [];
  if (s.enum && !s.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
  switch (s.type) {
    case undefined:
      break;
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string, got ${JSON.stringify(value)}`];
      if (s.format === 'date-time' && !DATE_TIME.test(value)) errors.push(`${path}: ${value} is not a date-time`);
      if (s.format === 'date' && !DATE.test(value)) errors.push(`${path}: ${value} is not a date`);
      if (s.format === 'uuid' && !UUID.test(value)) errors.push(`${path}: ${value} is not a uuid`);
      break;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) return [`${path}: expected a number, got ${JSON.stringify(value)}`];
      if (s.type === 'integer' && !Number.isInteger(value)) errors.push(`${path}: ${value} is not an integer`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
      break;
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      if (s.items) value.forEach((v, i) => errors.push(...schemaErrors(doc, s.items!, v, `${path}[${i}]`, strict)));
      break;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object`];
      const obj = value as Record<string, unknown>;
      for (const name of s.required ?? []) if (!(name in obj)) errors.push(`${path}.${name}: required, missing`);
      for (const [name, v] of Object.entries(obj)) {
        const prop = s.properties?.[name];
        if (prop) errors.push(...schemaErrors(doc, prop, v, `${path}.${name}`, strict));
        else if (typeof s.additionalProperties === 'object')
          errors.push(...schemaErrors(doc, s.additionalProperties, v, `${path}.${name}`, strict));
        else if (s.properties && strict && s.additionalProperties !== true) errors.push(`${path}.${name}: not in the schema`);
      }
      break;
    }
    default:
      errors.push(`${path}: unknown schema type ${s.type}`);
  }
  return errors;
}

/** The documented operation a request went to: a literal path before a templated one (/audit/verify before /audit/{id}). */
export function operationFor(doc: OpenApiDocument, method: string, url: string): { template: string; operation: Operation } | undefined {
  const path = url.split('?')[0];
  const candidates = Object.keys(doc.paths)
    .filter((template) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path))
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  const template = candidates.find((c) => doc.paths[c][method.toLowerCase()]);
  return template ? { template, operation: doc.paths[template][method.toLowerCase()] } : undefined;
}

/** Nest's path (/api/v1/consortia/:id) as the document writes it (/api/v1/consortia/{id}). */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}
