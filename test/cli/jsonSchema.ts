// A small JSON Schema (draft 4) validator covering the keywords the nbformat 4 schema uses: type, enum,
// properties, required, additionalProperties, patternProperties, items, minimum/maximum, min/maxLength,
// pattern, uniqueItems, oneOf, not and local $ref. Unknown keywords ("format", descriptions) are ignored.
type Schema = Record<string, unknown>;

export function validate(value: unknown, root: Schema): string[] {
  const errors: string[] = [];
  check(value, root, root, '$', errors);
  return errors;
}

function check(value: unknown, schema: Schema, root: Schema, at: string, errors: string[]): void {
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as Schema)[key], root);
    check(value, target as Schema, root, at, errors);
    return;
  }
  const fail = (message: string) => errors.push(`${at}: ${message}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => hasType(value, t)))
      return void fail(`expected ${types.join(' or ')}, got ${JSON.stringify(value)?.slice(0, 60)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    fail(`not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail(`below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail(`above ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      fail(`shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      fail(`longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
      fail(`does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => check(item, schema.items as Schema, root, `${at}[${i}]`, errors));
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length)
      fail('items are not unique');
  }
  if (isObject(value)) checkObject(value, schema, root, at, errors);
  if (Array.isArray(schema.oneOf)) {
    const results = (schema.oneOf as Schema[]).map((option) => validateAt(value, option, root, at));
    const passing = results.filter((r) => r.length === 0).length;
    // With no match, the closest alternative's errors say what is wrong (a code cell without outputs…).
    const closest = [...results].sort((a, b) => a.length - b.length)[0];
    if (passing === 0) errors.push(...closest);
    else if (passing > 1) fail(`matches ${passing} of the oneOf alternatives, not exactly one`);
  }
  if (isObject(schema.not) && validateAt(value, schema.not, root, at).length === 0)
    fail('matches a schema it must not match');
}

function checkObject(value: Schema, schema: Schema, root: Schema, at: string, errors: string[]): void {
  for (const key of (schema.required as string[] | undefined) ?? [])
    if (!(key in value)) errors.push(`${at}: missing required "${key}"`);
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, Schema>);
  for (const [key, child] of Object.entries(value)) {
    const where = `${at}.${key}`;
    let matched = false;
    if (properties[key]) {
      matched = true;
      check(child, properties[key], root, where, errors);
    }
    for (const [pattern, sub] of patterns) {
      if (new RegExp(pattern).test(key)) {
        matched = true;
        check(child, sub, root, where, errors);
      }
    }
    if (matched) continue;
    if (schema.additionalProperties === false) errors.push(`${where}: property not allowed`);
    else if (isObject(schema.additionalProperties)) check(child, schema.additionalProperties, root, where, errors);
  }
}

function validateAt(value: unknown, schema: Schema, root: Schema, at: string): string[] {
  const errors: string[] = [];
  check(value, schema, root, at, errors);
  return errors;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
