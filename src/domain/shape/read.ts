/**
 * Reading a value against a shape (./shape.ts) by Zod's rules (zod/v4/core/schemas.js, checks.js,
 * locales/en.js), for the kinds and checks shapes support: the same verdict, the same output
 * (defaults filled, strings trimmed, unknown keys stripped or refused) and the same issues, in
 * Zod's order, with Zod's English messages. Where Zod aborts (a wrong type) the checks after it
 * are skipped; where it continues (a string too long) they run, as in Zod.
 */
import type { Shape, TCheck, TNode, TParams, TShapes, TTransform } from './shape';

/** An issue as Zod reports it: code, path, message, and the code's own fields. */
export interface TIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  params?: Record<string, unknown>;
  [field: string]: unknown;
}

export type TReadResult<T> = { success: true; data: T; error?: undefined } | { success: false; data?: undefined; error: TReadError };

export interface TReadError extends Error {
  issues: TIssue[];
}

interface TRawIssue {
  code: string;
  path?: PropertyKey[];
  input?: unknown;
  message?: string;
  /** The message of the check or schema that raised it (Zod's `def.error`). */
  own?: TParams | undefined;
  continue?: boolean;
  [field: string]: unknown;
}

interface TPayload {
  value: unknown;
  issues: TRawIssue[];
  aborted?: boolean;
}

type TOpt = 'optional' | 'defaulted' | undefined;

const isObject = (v: unknown): v is Record<PropertyKey, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isPlainObject(o: unknown): o is Record<PropertyKey, unknown> {
  if (!isObject(o)) return false;
  const ctor = (o as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const prot = (ctor as { prototype?: unknown }).prototype;
  if (!isObject(prot)) return false;
  return Object.prototype.hasOwnProperty.call(prot, 'isPrototypeOf');
}

const aborted = (p: TPayload, from = 0) => p.aborted === true || p.issues.slice(from).some((i) => i.continue !== true);
const explicitlyAborted = (p: TPayload) => p.aborted === true || p.issues.some((i) => i.continue === false);

function codePointLength(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

const lengthOrigin = (v: unknown) => (Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : 'unknown');

function shallowClone(o: unknown): unknown {
  if (isPlainObject(o)) return { ...o };
  if (Array.isArray(o)) return [...(o as unknown[])];
  return o;
}

interface TOptionality {
  optin: TOpt;
  optout: 'optional' | undefined;
}

/** Zod's optin/optout: whether a field may be absent from the input (and is then defaulted), and from the output. */
function optionality(s: Shape | TTransform): TOptionality {
  if (!('node' in s)) return { optin: 'optional', optout: undefined };
  const n = s.node;
  switch (n.t) {
    case 'optional':
      return { optin: optionality(n.inner).optin === 'defaulted' ? 'defaulted' : 'optional', optout: 'optional' };
    case 'default':
    case 'prefault':
      return { optin: 'defaulted', optout: undefined };
    case 'nullable':
      return optionality(n.inner);
    case 'pipe':
      return { optin: optionality(n.in).optin, optout: optionality(n.out).optout };
    default:
      return { optin: undefined, optout: undefined };
  }
}

function prefix(key: PropertyKey, issues: TRawIssue[]): TRawIssue[] {
  for (const i of issues) (i.path ??= []).unshift(key);
  return issues;
}

// ---- checks -------------------------------------------------------------------------------

const hasLength = (p: TPayload) => p.value !== null && p.value !== undefined && (p.value as { length?: unknown }).length !== undefined;

function runCheck(ch: TCheck, p: TPayload): void {
  const v = p.value as never;
  const own = 'p' in ch ? ch.p : undefined;
  switch (ch.c) {
    case 'min_length': {
      const len = typeof v === 'string' ? codePointLength(v) : (v as unknown[]).length;
      if (len < ch.n) p.issues.push({ code: 'too_small', origin: lengthOrigin(v), minimum: ch.n, inclusive: true, input: v, own, continue: true });
      return;
    }
    case 'max_length': {
      const len = typeof v === 'string' ? codePointLength(v) : (v as unknown[]).length;
      if (len > ch.n) p.issues.push({ code: 'too_big', origin: lengthOrigin(v), maximum: ch.n, inclusive: true, input: v, own, continue: true });
      return;
    }
    case 'gte':
    case 'gt':
      if (!(ch.c === 'gte' ? v >= ch.n : v > ch.n))
        p.issues.push({ code: 'too_small', origin: 'number', minimum: ch.n, inclusive: ch.c === 'gte', input: v, own, continue: true });
      return;
    case 'lte':
    case 'lt':
      if (!(ch.c === 'lte' ? v <= ch.n : v < ch.n))
        p.issues.push({ code: 'too_big', origin: 'number', maximum: ch.n, inclusive: ch.c === 'lte', input: v, own, continue: true });
      return;
    case 'safeint':
      if (!Number.isInteger(v)) {
        p.issues.push({ code: 'invalid_type', expected: 'int', format: 'safeint', input: v, own, continue: false });
      } else if (!Number.isSafeInteger(v)) {
        const big = (v as number) > 0;
        const bound = big ? { code: 'too_big', maximum: Number.MAX_SAFE_INTEGER } : { code: 'too_small', minimum: Number.MIN_SAFE_INTEGER };
        p.issues.push({ ...bound, note: 'Integers must be within the safe integer range.', origin: 'int', inclusive: true, input: v, own, continue: true });
      }
      return;
    case 'regex':
      // Only a global or sticky pattern keeps a position (and a shared shape's pattern may be frozen).
      if (ch.re.global || ch.re.sticky) ch.re.lastIndex = 0;
      if (!ch.re.test(v))
        p.issues.push({ code: 'invalid_format', origin: 'string', format: 'regex', pattern: ch.re.toString(), input: v, own, continue: true });
      return;
    case 'starts_with':
      if (!(v as string).startsWith(ch.prefix))
        p.issues.push({ code: 'invalid_format', origin: 'string', format: 'starts_with', prefix: ch.prefix, input: v, own, continue: true });
      return;
    case 'trim':
      p.value = (v as string).trim();
      return;
    case 'refine':
      if (!ch.fn(v)) {
        const o = typeof own === 'object' ? own : undefined;
        p.issues.push({
          code: 'custom',
          input: v,
          own,
          path: [...(o?.path ?? [])],
          continue: !o?.abort,
          ...(o?.params ? { params: o.params } : {}),
        });
      }
      return;
    case 'super':
      ch.fn(v, withAddIssue(p) as never);
      return;
  }
}

/** Zod's `$RefinementCtx`: the payload, with `addIssue`. */
function withAddIssue(p: TPayload) {
  return Object.assign(p, {
    addIssue(issue: TRawIssue | string) {
      if (typeof issue === 'string') {
        p.issues.push({ code: 'custom', message: issue, input: p.value, continue: true });
        return;
      }
      const i: TRawIssue = { ...issue };
      i.code ??= 'custom';
      if (!('input' in i)) i.input = p.value;
      i.continue ??= true;
      p.issues.push(i);
    },
  });
}

function runChecks(p: TPayload, checks: readonly TCheck[]): void {
  let isAborted = aborted(p);
  for (const ch of checks) {
    // Length checks carry Zod's `when`: they run on anything with a length unless explicitly aborted.
    if (ch.c === 'min_length' || ch.c === 'max_length') {
      if (explicitlyAborted(p) || !hasLength(p)) continue;
    } else if (isAborted) continue;
    const before = p.issues.length;
    runCheck(ch, p);
    if (p.issues.length !== before && !isAborted) isAborted = aborted(p, before);
  }
}

// ---- kinds --------------------------------------------------------------------------------

function typeIssue(p: TPayload, expected: string, node: TNode, extra: Record<string, unknown> = {}): TPayload {
  p.issues.push({ code: 'invalid_type', expected, input: p.value, own: node.p, ...extra });
  return p;
}

function run(s: Shape | TTransform, p: TPayload): TPayload {
  if (!('node' in s)) {
    p.value = (s.fn as (v: unknown, ctx: unknown) => unknown)(p.value, withAddIssue(p));
    return p;
  }
  const n = s.node;
  parse(n, p);
  if (n.checks.length) runChecks(p, n.checks);
  return p;
}

function parse(n: TNode, p: TPayload): TPayload {
  const v = p.value;
  switch (n.t) {
    case 'string':
      return typeof v === 'string' ? p : typeIssue(p, 'string', n);
    case 'number':
      if (typeof v === 'number' && Number.isFinite(v)) return p;
      return typeIssue(p, 'number', n, typeof v === 'number' ? { received: Number.isNaN(v) ? 'NaN' : String(v) } : {});
    case 'boolean':
      return typeof v === 'boolean' ? p : typeIssue(p, 'boolean', n);
    case 'undefined':
      return v === undefined ? p : typeIssue(p, 'undefined', n);
    case 'unknown':
      return p;
    case 'literal':
    case 'enum':
      if (n.values.includes(v)) return p;
      p.issues.push({ code: 'invalid_value', values: n.values, input: v, own: n.p });
      return p;
    case 'object':
      return parseObject(n, p);
    case 'array': {
      if (!Array.isArray(v)) return typeIssue(p, 'array', n);
      if (overCap(n.checks, p)) return p;
      const out = new Array<unknown>(v.length);
      p.value = out;
      v.forEach((item, i) => {
        const r = run(n.element, { value: item, issues: [] });
        if (r.issues.length) p.issues.push(...prefix(i, r.issues));
        out[i] = r.value;
      });
      return p;
    }
    case 'record':
      return parseRecord(n, p);
    case 'union': {
      if (!isObject(v)) return typeIssue(p, 'object', n);
      const tag = v[n.discriminator];
      const option = n.options.find((o) => discriminatorValues(o, n.discriminator).includes(tag));
      if (option) return run(option, p);
      p.issues.push({
        code: 'invalid_union',
        errors: [],
        note: 'No matching discriminator',
        discriminator: n.discriminator,
        options: n.options.flatMap((o) => discriminatorValues(o, n.discriminator)),
        input: v,
        path: [n.discriminator],
        own: n.p,
      });
      return p;
    }
    case 'optional':
      if (v === undefined) {
        if (optionality(n.inner).optin !== 'defaulted') return p;
        const r = run(n.inner, { value: undefined, issues: [] });
        p.value = r.issues.length ? undefined : r.value;
        return p;
      }
      return run(n.inner, p);
    case 'nullable':
      return v === null ? p : run(n.inner, p);
    case 'default':
      if (v === undefined) {
        p.value = shallowClone(n.value);
        return p;
      }
      run(n.inner, p);
      if (p.value === undefined) p.value = shallowClone(n.value);
      return p;
    case 'prefault':
      if (v === undefined) p.value = shallowClone(n.value);
      return run(n.inner, p);
    case 'pipe': {
      const left = run(n.in, p);
      if (left.issues.some((i) => i.code !== 'unrecognized_keys')) {
        left.aborted = true;
        return left;
      }
      return run(n.out, left);
    }
  }
}

/**
 * Zod's size cap: an array longer than a leading `.max()` gets that one issue, aborting, and its
 * items are not read at all (so a too-long list never reports its items' faults).
 */
function overCap(checks: readonly TCheck[], p: TPayload): boolean {
  const caps: Array<TCheck & { n: number }> = [];
  for (const ch of checks) {
    if (ch.c !== 'min_length' && ch.c !== 'max_length') break;
    if (ch.c === 'max_length') caps.push(ch);
  }
  const length = (p.value as unknown[]).length;
  const cap = caps.find((ch) => length > ch.n);
  if (!cap) return false;
  runCheck(cap, p);
  p.issues[p.issues.length - 1]!.continue = false;
  return true;
}

function discriminatorValues(option: Shape, key: string): unknown[] {
  const n = option.node;
  if (n.t !== 'object') return [];
  const field = n.shape[key];
  return field && (field.node.t === 'literal' || field.node.t === 'enum') ? [...field.node.values] : [];
}

function parseObject(n: Extract<TNode, { t: 'object' }>, p: TPayload): TPayload {
  const input = p.value;
  if (!isObject(input)) return typeIssue(p, 'object', n);
  const out: Record<string, unknown> = {};
  p.value = out;
  const shape: TShapes = n.shape;
  for (const key of Object.keys(shape)) {
    if (key === '__proto__') continue;
    const el = shape[key]!;
    const r = run(el, { value: input[key], issues: [] });
    const { optin, optout } = optionality(el);
    const present = key in input;
    if (!present && optout === 'optional' && optin === 'optional') continue;
    if (r.issues.length) {
      if (optin !== undefined && optout === 'optional' && !present) continue;
      p.issues.push(...prefix(key, r.issues));
    }
    if (!present && optin === undefined) {
      if (!r.issues.length) p.issues.push({ code: 'invalid_type', expected: 'nonoptional', input: undefined, path: [key] });
      continue;
    }
    if (r.value === undefined) {
      if (present || (optin === 'defaulted' && optout !== 'optional')) out[key] = undefined;
    } else out[key] = r.value;
  }
  if (n.mode === 'strip') return p;
  const unrecognized: string[] = [];
  for (const key in input) {
    if (Object.prototype.hasOwnProperty.call(shape, key)) continue;
    if (key === '__proto__') {
      if (n.mode === 'strict') unrecognized.push(key);
      continue;
    }
    if (n.mode === 'strict') unrecognized.push(key);
    else out[key] = input[key];
  }
  if (unrecognized.length) p.issues.push({ code: 'unrecognized_keys', keys: unrecognized, input, continue: true });
  return p;
}

function parseRecord(n: Extract<TNode, { t: 'record' }>, p: TPayload): TPayload {
  const input = p.value;
  if (!isPlainObject(input)) return typeIssue(p, 'record', n);
  const out: Record<PropertyKey, unknown> = {};
  p.value = out;
  const keyNode = n.key.node;
  const values = keyNode.t === 'enum' || keyNode.t === 'literal' ? keyNode.values : undefined;
  const unrecognized: string[] = [];
  const readValue = (key: PropertyKey, outKey: PropertyKey) => {
    const r = run(n.value, { value: input[key], issues: [] });
    if (r.issues.length) p.issues.push(...prefix(key, r.issues));
    out[outKey] = r.value;
  };
  if (values && !n.partial) {
    const keys = new Set<unknown>();
    for (const key of values) {
      if (typeof key !== 'string' && typeof key !== 'number') continue;
      keys.add(String(key));
      if (key === '__proto__') continue;
      readValue(key, key);
    }
    for (const key in input) if (!keys.has(key)) unrecognized.push(key);
  } else {
    for (const key of Reflect.ownKeys(input)) {
      if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(input, key)) continue;
      let k = run(n.key, { value: key, issues: [] });
      if (k.issues.length && typeof key === 'string' && /^-?\d+(?:\.\d+)?$/.test(key)) {
        const retry = run(n.key, { value: Number(key), issues: [] });
        if (!retry.issues.length) k = retry;
      }
      if (k.issues.length) {
        if (values) unrecognized.push(String(key));
        else p.issues.push({ code: 'invalid_key', origin: 'record', issues: k.issues.map(finalize), input: key, path: [key], own: n.p });
        continue;
      }
      if (k.value === '__proto__') continue;
      readValue(key, k.value as PropertyKey);
    }
  }
  if (unrecognized.length) p.issues.push({ code: 'unrecognized_keys', keys: unrecognized, input, continue: true });
  return p;
}

// ---- messages (zod/v4/locales/en.js) ------------------------------------------------------

function parsedType(data: unknown): string {
  if (typeof data === 'number') return Number.isNaN(data) ? 'nan' : 'number';
  if (typeof data === 'object') {
    if (data === null) return 'null';
    if (Array.isArray(data)) return 'array';
    if (Object.getPrototypeOf(data) !== Object.prototype && 'constructor' in data && data.constructor) return (data.constructor as { name: string }).name;
  }
  return typeof data;
}

const typeName = (type: string, input?: unknown) =>
  type === 'number' && typeof input === 'number' && !Number.isFinite(input) ? String(input) : type === 'nan' ? 'NaN' : type;
const primitive = (v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? `"${v}"` : String(v));
const SIZABLE: Record<string, string> = { string: 'characters', array: 'items' };

function localeMessage(i: TRawIssue): string {
  switch (i.code) {
    case 'invalid_type': {
      const received = parsedType(i.input);
      return `Invalid input: expected ${typeName(String(i.expected))}, received ${typeName(received, i.input)}`;
    }
    case 'invalid_value': {
      const values = i.values as unknown[];
      return values.length === 1 ? `Invalid input: expected ${primitive(values[0])}` : `Invalid option: expected one of ${values.map(primitive).join('|')}`;
    }
    case 'too_big':
    case 'too_small': {
      const big = i.code === 'too_big';
      const adj = i.exact ? 'exactly ' : i.inclusive ? (big ? '<=' : '>=') : big ? '<' : '>';
      const bound = String(big ? i.maximum : i.minimum);
      const origin = (i.origin as string | undefined) ?? 'value';
      const unit = SIZABLE[origin];
      return unit
        ? `${big ? 'Too big' : 'Too small'}: expected ${origin} to have ${adj}${bound} ${unit}`
        : `${big ? 'Too big' : 'Too small'}: expected ${origin} to be ${adj}${bound}`;
    }
    case 'invalid_format':
      if (i.format === 'starts_with') return `Invalid string: must start with "${String(i.prefix)}"`;
      if (i.format === 'regex') return `Invalid string: must match pattern ${String(i.pattern)}`;
      return `Invalid ${String(i.format)}`;
    case 'unrecognized_keys': {
      const keys = i.keys as string[];
      return `Unrecognized key${keys.length > 1 ? 's' : ''}: ${keys.map(primitive).join(', ')}`;
    }
    case 'invalid_key':
      return `Invalid key in ${String(i.origin)}`;
    case 'invalid_union': {
      const options = i.options as unknown[] | undefined;
      if (options && options.length > 0) return `Invalid discriminator value. Expected ${options.map((o) => `'${String(o)}'`).join(' | ')}`;
      return 'Invalid input';
    }
    default:
      return 'Invalid input';
  }
}

const ownMessage = (own: TParams | undefined) => (typeof own === 'string' ? own : own?.message);

function finalize(i: TRawIssue): TIssue {
  const message = i.message || ownMessage(i.own) || localeMessage(i);
  const out: TIssue = { code: i.code, path: i.path ?? [], message };
  for (const [k, v] of Object.entries(i)) {
    if (k === 'own' || k === 'input' || k === 'continue' || k === 'path' || k === 'message' || k === 'code') continue;
    out[k] = v;
  }
  return out;
}

/** Thrown by `parse`: the issues, as a ZodError carries them. */
export class ShapeError extends Error implements TReadError {
  issues: TIssue[];
  constructor(issues: TIssue[]) {
    super(JSON.stringify(issues, null, 2));
    this.name = 'ShapeError';
    this.issues = issues;
  }
}

/** Read `input` against `shape`: its output, or its issues (Zod's `safeParse`). */
export function readShape(shape: Shape, input: unknown): TReadResult<unknown> {
  const p = run(shape, { value: input, issues: [] });
  if (!p.issues.length) return { success: true, data: p.value };
  return { success: false, error: new ShapeError(p.issues.map(finalize)) };
}
