/**
 * Inputs for a shape (src/domain/shape): mostly values it accepts, and at every level a fair
 * chance of what it must refuse (a wrong type, a bound missed by one, a key too many or missing,
 * a tag nobody knows, padding to trim). The parity tests read each input with the shape and with
 * its Zod twin and compare.
 */
import fc from 'fast-check';
import type { Shape, TCheck, TNode, TTransform } from '../../src/domain/shape';

const JUNK = fc.oneof(
  fc.constantFrom(null, undefined, true, 0, -1, 1.5, NaN, Infinity, '', ' ', 'x', [], {}, [1], { a: 1 }),
  fc.string({ maxLength: 4 }),
  fc.integer(),
);

function bounds(checks: readonly TCheck[]): { min?: number; max?: number } {
  let min: number | undefined;
  let max: number | undefined;
  for (const ch of checks) {
    if (ch.c === 'min_length' || ch.c === 'gte') min = ch.n;
    if (ch.c === 'gt') min = ch.n + 1;
    if (ch.c === 'max_length' || ch.c === 'lte') max = ch.n;
    if (ch.c === 'lt') max = ch.n - 1;
  }
  return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

function stringArb(checks: readonly TCheck[]): fc.Arbitrary<string> {
  const { min = 0, max = 12 } = bounds(checks);
  const regex = checks.find((c): c is Extract<TCheck, { c: 'regex' }> => c.c === 'regex');
  const prefix = checks.find((c): c is Extract<TCheck, { c: 'starts_with' }> => c.c === 'starts_with');
  const around = [min - 1, min, min + 1, Math.min(max, 40), Math.min(max, 40) + 1].filter((n) => n >= 0);
  const options: Array<fc.Arbitrary<string>> = [
    fc.string({ minLength: Math.max(0, min), maxLength: Math.min(max, 40) }),
    fc.constantFrom(...around).map((n) => 'a'.repeat(n)),
    fc.constantFrom('  padded  ', ' ', '\u3000中文\u3000', '😀', '\u200b', 'a😀b'),
  ];
  if (regex) options.push(fc.stringMatching(new RegExp(regex.re.source)).chain((m) => fc.constantFrom(m, m.toUpperCase())));
  if (regex?.re.source.includes('\\d{4}-\\d{2}-\\d{2}')) options.push(fc.constantFrom('2024-02-29', '2023-02-29', '2025-12-31', '2026-13-01'));
  if (prefix) options.push(fc.string({ maxLength: 8 }).map((s) => `${prefix.prefix}${s}`));
  return fc.oneof(...options);
}

function numberArb(checks: readonly TCheck[]): fc.Arbitrary<number> {
  const { min = -1000, max = 1000 } = bounds(checks);
  const edges = [min - 1, min, min + 1, max - 1, max, max + 1, Number.MAX_SAFE_INTEGER + 2, 0.5, min + 0.1].filter(Number.isFinite);
  return fc.oneof(
    fc.integer({ min: Math.max(min, -1e9), max: Math.min(max, 1e9) }),
    fc.constantFrom(...edges),
    fc.double({ min: Math.max(min, -1e9), max: Math.min(max, 1e9), noNaN: true }),
  );
}

function fieldsOf(node: Extract<TNode, { t: 'object' }>, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(node.shape);
  const present = fc.record(Object.fromEntries(keys.map((k) => [k, arbitraryFor(node.shape[k]!, depth + 1)])), { requiredKeys: [] });
  const full = fc.record(Object.fromEntries(keys.map((k) => [k, arbitraryFor(node.shape[k]!, depth + 1)])));
  return fc
    .oneof({ weight: 3, arbitrary: full }, { weight: 1, arbitrary: present })
    .chain((fields) => fc.oneof({ weight: 4, arbitrary: fc.constant(fields) }, { weight: 1, arbitrary: fc.constant({ ...fields, extraKey: 1 }) }));
}

function arbitraryForNode(node: TNode, depth: number): fc.Arbitrary<unknown> {
  switch (node.t) {
    case 'string':
      return stringArb(node.checks);
    case 'number':
      return numberArb(node.checks);
    case 'boolean':
      return fc.boolean();
    case 'undefined':
      return fc.constant(undefined);
    case 'unknown':
      return JUNK;
    case 'literal':
    case 'enum':
      return fc.constantFrom(...node.values, 'NOT_A_VALUE');
    case 'object':
      return fieldsOf(node, depth);
    case 'array': {
      const { min = 0, max = 3 } = bounds(node.checks);
      return fc.array(arbitraryFor(node.element, depth + 1), { minLength: Math.max(0, min - 1), maxLength: Math.min(max + 1, depth > 2 ? 2 : 4) });
    }
    case 'record': {
      const key = node.key.node;
      const keys = key.t === 'enum' || key.t === 'literal' ? fc.constantFrom(...(key.values as string[]), 'OTHER') : fc.string({ maxLength: 4 });
      return fc.dictionary(keys, arbitraryFor(node.value, depth + 1), { maxKeys: 3 });
    }
    case 'union':
      return fc.oneof(...node.options.map((o) => arbitraryFor(o, depth)), fc.constant({ [node.discriminator]: 'UNKNOWN_TAG' }));
    case 'optional':
      return fc.oneof(fc.constant(undefined), arbitraryFor(node.inner, depth));
    case 'nullable':
      return fc.oneof(fc.constant(null), arbitraryFor(node.inner, depth));
    case 'default':
    case 'prefault':
      return fc.oneof(fc.constant(undefined), arbitraryFor(node.inner, depth));
    case 'pipe':
      return arbitraryFor(isShape(node.in) ? node.in : (node.out as Shape), depth);
  }
}

const isShape = (s: Shape | TTransform): s is Shape => 'node' in s;

/** Values for `shape`: accepted ones mostly, refused ones at every level now and then. */
export function arbitraryFor(shape: Shape, depth = 0): fc.Arbitrary<unknown> {
  const own = arbitraryForNode(shape.node, depth);
  return depth > 5 ? own : fc.oneof({ weight: 12, arbitrary: own }, { weight: 1, arbitrary: JUNK });
}
