/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: Array<Record<string, unknown>>;
}

export interface JsonSchema {
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  enum?: unknown[];
  allOf?: JsonSchema[];
}

export type Security = 'user' | 'executor' | 'none';

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  /** Property names and declared types of the JSON body, when it has one. */
  bodyFields?: Record<string, string>;
  security: Security;
}

/** Every operation of the document, with `$ref`s of its body resolved one level. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const named = (where: string) =>
        parameters.filter((parameter) => parameter.in === where).map((parameter) => parameter.name);
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        pathParams: named('path'),
        queryParams: named('query'),
        headerParams: [...new Set(named('header').map((name) => name.toLowerCase()))],
        bodyFields: schema ? fieldsOf(resolve(document, schema)) : undefined,
        security: securityOf(operation),
      });
    }
  }
  return operations;
}

function securityOf(operation: OpenApiOperation): Security {
  const schemes = (operation.security ?? []).flatMap((entry) => Object.keys(entry));
  if (schemes.includes('executor')) return 'executor';
  return schemes.includes('user') ? 'user' : 'none';
}

function resolve(document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').at(-1) ?? '';
  return document.components?.schemas?.[name] ?? {};
}

function fieldsOf(schema: JsonSchema): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    fields[name] = property.enum ? 'enum' : (property.type ?? 'object');
  }
  return fields;
}
