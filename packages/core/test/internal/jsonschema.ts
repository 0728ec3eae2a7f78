/**
 * A small JSON-schema (draft-04 subset) checker for tests: type, properties, patternProperties,
 * items, pattern, required, additionalProperties:false. Enough for JFrog's build-info schema,
 * without adding a validator dependency.
 */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  items?: Schema;
  pattern?: string;
  required?: string[];
  additionalProperties?: boolean;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

export function check(schema: Schema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  if (schema.type) {
    const t = typeOf(value);
    const ok = t === schema.type || (schema.type === 'number' && t === 'integer');
    if (!ok) return [`${path}: expected ${schema.type}, got ${t}`];
  }
  if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern).test(value)) {
    errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) =>
      errors.push(...check(schema.items as Schema, item, `${path}[${i}]`)),
    );
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in obj)) errors.push(`${path}: missing ${key}`);
    }
    for (const [key, v] of Object.entries(obj)) {
      let matched = false;
      const prop = schema.properties?.[key];
      if (prop) {
        matched = true;
        errors.push(...check(prop, v, `${path}.${key}`));
      }
      for (const [pattern, sub] of Object.entries(schema.patternProperties ?? {})) {
        if (new RegExp(pattern).test(key)) {
          matched = true;
          errors.push(...check(sub, v, `${path}.${key}`));
        }
      }
      if (!matched && schema.additionalProperties === false) {
        errors.push(`${path}: unexpected property ${key}`);
      }
    }
  }
  return errors;
}
