/**
 * 定义活动 what one activity declares: its name, Chinese title, input and output JSON Schemas and its
 * function. `defineActivity` derives the function's TypeScript input and output types from the two
 * schemas (json-schema-to-ts `FromSchema`), so the schemas are written once and the compiler holds the
 * code to them; the worker, the definition validator and the process designer read the same schemas.
 */
import type pg from 'pg';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { createAjv } from '../forms/ajv.js';

export interface ActivityDeps {
  db: pg.Pool;
}

export interface ActivityDefinition<I = any, O = any> {
  /** how definitions name it (`"activity": "…"`), camelCase, unique */
  name: string;
  title: { zh: string; en: string };
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  create(deps: ActivityDeps): (input: I) => Promise<O>;
}

/** An activity's two schemas, written once as a constant (`as const`, so their literal types are kept). */
export interface ActivitySchemas {
  inputSchema: JSONSchema;
  outputSchema: JSONSchema;
}

/**
 * Declare an activity; its input and output types come from its schemas:
 *
 *   const schemas = { inputSchema: { … }, outputSchema: { … } } as const;
 *   export const myCheck = defineActivity<typeof schemas>({ name, title, ...schemas, create });
 *
 * Name the schemas' type explicitly (`<typeof schemas>`): the types are then worked out once, not inferred
 * through the function (which is slow, and too deep for the compiler with `integer` outputs). Make the output
 * schema precise: `required`, `additionalProperties: false`, a type for every field — later steps read it.
 */
export function defineActivity<S extends ActivitySchemas>(
  def: S & {
    name: string;
    title: { zh: string; en: string };
    description?: string;
    create(
      deps: ActivityDeps,
    ): (input: FromSchema<S['inputSchema']>) => Promise<FromSchema<S['outputSchema']>>;
  },
): ActivityDefinition<FromSchema<S['inputSchema']>, FromSchema<S['outputSchema']>> {
  // a schema written as an object literal is an object, never the boolean form JSONSchema also allows
  return def as unknown as ActivityDefinition<FromSchema<S['inputSchema']>, FromSchema<S['outputSchema']>>;
}

let ajv: ReturnType<typeof createAjv> | undefined;
/**
 * Schema errors of `value` against one of an activity's schemas (empty when it conforms); activity tests
 * check their outputs with it, the same Ajv (and formats) the forms use.
 */
export function schemaErrors(schema: Record<string, unknown>, value: unknown): string[] {
  ajv ??= createAjv();
  const validate = ajv.compile(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}
