/**
 * Shapes: the domain's schemas, written with the same calls as Zod (`z.strictObject({ … })`,
 * `.trim().min(1)`, `.default([])`) but without Zod at run time.
 *
 * Why: workflow code runs in Temporal's reusable V8 context, where every cached workflow gets its
 * own instance of every module in the workflow bundle. Zod costs ~0.7 MiB per workflow for the
 * library and as much again for the schema objects the domain builds with it (bench scenario 6,
 * bench/REFERENCE.md). A shape is a small record of the calls that made it, and reading a value
 * against it (`safeParse`, `parse`) is done by `read.ts`, which follows Zod's rules for the calls
 * supported here: the same verdict, output (defaults, trimming, stripped keys) and issues.
 *
 * One definition, two engines: the workflows read with the shape, and the API, the activities and
 * the OpenAPI document use the Zod schema `toZod` (./to-zod.ts) builds by replaying the same calls
 * on Zod, so nothing on that side changes. test/domain/shape/ holds the two engines to the same
 * answers. Types come from Zod too, as types only (`import type`), so nothing of Zod is bundled.
 *
 * Supported: string, number, int, boolean, unknown, undefined, literal, enum, object,
 * strictObject, looseObject, array, record, partialRecord, discriminatedUnion, preprocess; and the
 * chained min, max, positive, nonnegative, int, trim, regex, startsWith, refine, superRefine,
 * transform, optional, nullable, default, prefault, array, describe, meta, pick, extend.
 */
import type { z } from 'zod';
import { readShape, type TReadResult } from './read';

export { ShapeError, type TIssue, type TReadResult } from './read';

type TZod = z.ZodType;

/** A check's or a refinement's own message (Zod's `params`: a string, or an object). */
export type TParams = string | { message?: string; path?: PropertyKey[]; params?: Record<string, unknown>; abort?: boolean };

/** What the reader applies after a value's type is known, in the order the calls were chained. */
export type TCheck =
  | { readonly c: 'min_length' | 'max_length' | 'gte' | 'gt' | 'lte' | 'lt'; readonly n: number; readonly p?: TParams }
  | { readonly c: 'safeint'; readonly p?: TParams }
  | { readonly c: 'regex'; readonly re: RegExp; readonly p?: TParams }
  | { readonly c: 'starts_with'; readonly prefix: string; readonly p?: TParams }
  | { readonly c: 'trim' }
  | { readonly c: 'refine'; readonly fn: (value: never) => unknown; readonly p?: TParams }
  | { readonly c: 'super'; readonly fn: (value: never, ctx: never) => unknown };

/** What a shape reads: its type, its parts, and its checks. */
export type TNode = { readonly checks: readonly TCheck[]; readonly p?: TParams } & (
  | { readonly t: 'string' | 'number' | 'boolean' | 'unknown' | 'undefined' }
  | { readonly t: 'literal' | 'enum'; readonly values: readonly unknown[] }
  | { readonly t: 'object'; readonly shape: TShapes; readonly mode: 'strip' | 'strict' | 'loose' }
  | { readonly t: 'array'; readonly element: Shape }
  | { readonly t: 'record'; readonly key: Shape; readonly value: Shape; readonly partial: boolean }
  | { readonly t: 'union'; readonly discriminator: string; readonly options: readonly Shape[] }
  | { readonly t: 'optional' | 'nullable'; readonly inner: Shape }
  | { readonly t: 'default' | 'prefault'; readonly inner: Shape; readonly value: unknown }
  | { readonly t: 'pipe'; readonly in: Shape | TTransform; readonly out: Shape | TTransform }
);

/** A transform step of a pipe (`.transform(fn)`, the first step of `preprocess`). */
export interface TTransform {
  readonly t: 'transform';
  readonly fn: (value: never, ctx: never) => unknown;
}

export type TShapes = { readonly [key: string]: Shape };

/** The Zod type a shape stands for (types only). */
export type ZodOf<S> = S extends Shape<infer Z> ? Z : never;
export type ZodShapeOf<S extends TShapes> = { -readonly [K in keyof S]: ZodOf<S[K]> };
type ZodTuple<T extends readonly Shape[]> = { -readonly [I in keyof T]: ZodOf<T[I]> };

type infer_<S> = z.output<ZodOf<S>>;
export type output<S> = z.output<ZodOf<S>>;
export type input<S> = z.input<ZodOf<S>>;
export type { infer_ as infer };

/** The context a `superRefine` or a transform gets: Zod's, as far as the domain uses it. */
export interface TRefinementCtx<T = unknown> {
  value: T;
  addIssue(issue: { code?: 'custom'; message?: string; path?: PropertyKey[]; params?: Record<string, unknown>; input?: unknown; continue?: boolean }): void;
}

const NO_ARGS: readonly unknown[] = Object.freeze([]);
const argsOf = (...args: unknown[]) => (args.length === 0 ? NO_ARGS : args);
/** The arguments of a call with an optional last `params`: left out when not given, as the caller wrote it. */
const withParams = (p: TParams | undefined, ...args: unknown[]) => (p === undefined ? argsOf(...args) : [...args, p]);

/**
 * A schema, as the calls that made it: a builder (`from` absent, `method` 'strictObject', …) or a
 * method called on another shape. That is all a shape holds, so the domain's ~1,700 calls cost a
 * cached workflow little; what reading needs (`node`) is worked out from them on first use.
 */
export class Shape<Z extends TZod = TZod> {
  /** The Zod type this shape stands for; never set (types only). */
  declare readonly '~zod'?: Z;
  /** What `toZod` replays: `z[method](...args)`, or `toZod(from)[method](...args)`. */
  readonly from: Shape | undefined;
  readonly method: string;
  readonly args: readonly unknown[];

  constructor(from: Shape | undefined, method: string, args: readonly unknown[]) {
    this.from = from;
    this.method = method;
    this.args = args;
  }

  /** What `read.ts` interprets. */
  get node(): TNode {
    return nodeOf(this);
  }

  safeParse(input: unknown): TReadResult<z.output<Z>> {
    return readShape(this, input) as TReadResult<z.output<Z>>;
  }

  /** The value read, or throws a `ShapeError` listing the issues (as Zod's `parse` throws a ZodError). */
  parse(input: unknown): z.output<Z> {
    const result = this.safeParse(input);
    if (result.success) return result.data;
    throw result.error;
  }

  /** The same kind of shape (an object stays an object), one call further. */
  protected then(method: string, args: readonly unknown[]): this {
    const Ctor = this.constructor as new (from: Shape, method: string, args: readonly unknown[]) => this;
    return new Ctor(this, method, args);
  }

  private wrap<W extends TZod>(method: string, args: readonly unknown[] = NO_ARGS): Shape<W> {
    return new Shape<W>(this, method, args);
  }

  // ---- checks (a string's length, an array's length, a number's bounds) ----
  min(n: number, p?: TParams): this {
    return this.then('min', withParams(p, n));
  }
  max(n: number, p?: TParams): this {
    return this.then('max', withParams(p, n));
  }
  positive(p?: TParams): this {
    return this.then('positive', withParams(p));
  }
  nonnegative(p?: TParams): this {
    return this.then('nonnegative', withParams(p));
  }
  int(p?: TParams): this {
    return this.then('int', withParams(p));
  }
  trim(): this {
    return this.then('trim', NO_ARGS);
  }
  regex(re: RegExp, p?: TParams): this {
    return this.then('regex', withParams(p, re));
  }
  startsWith(prefix: string, p?: TParams): this {
    return this.then('startsWith', withParams(p, prefix));
  }
  refine(check: (value: z.output<Z>) => unknown, p?: TParams): this {
    return this.then('refine', withParams(p, check));
  }
  superRefine(fn: (value: z.output<Z>, ctx: TRefinementCtx<z.output<Z>>) => void): this {
    return this.then('superRefine', argsOf(fn));
  }
  /** Documentation only (the OpenAPI document); reading ignores it. */
  describe(description: string): this {
    return this.then('describe', argsOf(description));
  }
  meta(data: Record<string, unknown>): this {
    return this.then('meta', argsOf(data));
  }

  // ---- wrappers ----
  optional(): Shape<z.ZodOptional<Z>> {
    return this.wrap('optional');
  }
  nullable(): Shape<z.ZodNullable<Z>> {
    return this.wrap('nullable');
  }
  default(value: z.core.util.NoUndefined<z.output<Z>>): Shape<z.ZodDefault<Z>> {
    return this.wrap('default', argsOf(value));
  }
  prefault(value: z.input<Z>): Shape<z.ZodPrefault<Z>> {
    return this.wrap('prefault', argsOf(value));
  }
  array(): Shape<z.ZodArray<Z>> {
    return this.wrap('array');
  }
  transform<O>(fn: (value: z.output<Z>, ctx: TRefinementCtx<z.output<Z>>) => O): Shape<z.ZodPipe<Z, z.ZodTransform<O, z.output<Z>>>> {
    return this.wrap('transform', argsOf(fn));
  }
}

export class ObjectShape<S extends TShapes = TShapes, C extends z.core.$ZodObjectConfig = z.core.$strip> extends Shape<z.ZodObject<ZodShapeOf<S>, C>> {
  /** The fields, as `ZodObject.shape`. */
  get shape(): S {
    return (this.node as unknown as { shape: S }).shape;
  }
  pick<M extends z.core.util.Mask<keyof S>>(mask: M): ObjectShape<z.core.util.Flatten<Pick<S, Extract<keyof S, keyof M>>>, C> {
    return new ObjectShape(this, 'pick', argsOf(mask));
  }
  extend<U extends TShapes>(fields: U): ObjectShape<z.core.util.Extend<S, U>, C> {
    return new ObjectShape(this, 'extend', argsOf(fields));
  }
}

const nodes = new WeakMap<Shape, TNode>();

/** A shape's node, worked out from its calls once and kept (outside the shape, which may be frozen). */
function nodeOf(shape: Shape): TNode {
  let node = nodes.get(shape);
  if (!node) {
    node = shape.from ? chained(shape.from, shape.method, shape.args) : built(shape.method, shape.args);
    nodes.set(shape, node);
  }
  return node;
}

const NO_CHECKS: readonly TCheck[] = Object.freeze([]);

function built(method: string, args: readonly unknown[]): TNode {
  const checks = NO_CHECKS;
  switch (method) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'unknown':
    case 'undefined':
      return { t: method, checks };
    case 'int':
      // `z.int()`: a number that is a safe integer, checked before anything chained after it.
      return { t: 'number', checks: [{ c: 'safeint' }] };
    case 'literal':
      return { t: 'literal', values: [args[0]], checks };
    case 'enum':
      return { t: 'enum', values: [...(args[0] as readonly string[])], checks };
    case 'object':
    case 'strictObject':
    case 'looseObject':
      return { t: 'object', shape: args[0] as TShapes, mode: method === 'object' ? 'strip' : method === 'strictObject' ? 'strict' : 'loose', checks };
    case 'array':
      return { t: 'array', element: args[0] as Shape, checks };
    case 'record':
    case 'partialRecord':
      return { t: 'record', key: args[0] as Shape, value: args[1] as Shape, partial: method === 'partialRecord', checks };
    case 'discriminatedUnion':
      return { t: 'union', discriminator: args[0] as string, options: args[1] as readonly Shape[], checks };
    case 'preprocess':
      return { t: 'pipe', in: { t: 'transform', fn: args[0] as TTransform['fn'] }, out: args[1] as Shape, checks };
  }
  throw new Error(`shape: no builder ${method}`);
}

function chained(from: Shape, method: string, args: readonly unknown[]): TNode {
  const base = from.node;
  const p = args[args.length - 1] as TParams | undefined;
  const check = (c: TCheck): TNode => ({ ...base, checks: [...base.checks, c] }) as TNode;
  const own = (given: number) => (args.length > given ? { p } : {});
  switch (method) {
    case 'min':
      return check({ c: base.t === 'number' ? 'gte' : 'min_length', n: args[0] as number, ...own(1) });
    case 'max':
      return check({ c: base.t === 'number' ? 'lte' : 'max_length', n: args[0] as number, ...own(1) });
    case 'positive':
      return check({ c: 'gt', n: 0, ...own(0) });
    case 'nonnegative':
      return check({ c: 'gte', n: 0, ...own(0) });
    case 'int':
      return check({ c: 'safeint', ...own(0) });
    case 'trim':
      return check({ c: 'trim' });
    case 'regex':
      return check({ c: 'regex', re: args[0] as RegExp, ...own(1) });
    case 'startsWith':
      return check({ c: 'starts_with', prefix: args[0] as string, ...own(1) });
    case 'refine':
      return check({ c: 'refine', fn: args[0] as (value: never) => unknown, ...own(1) });
    case 'superRefine':
      return check({ c: 'super', fn: args[0] as (value: never, ctx: never) => unknown });
    case 'describe':
    case 'meta':
      return base;
    case 'optional':
    case 'nullable':
      return { t: method, inner: from, checks: NO_CHECKS };
    case 'default':
    case 'prefault':
      return { t: method, inner: from, value: args[0], checks: NO_CHECKS };
    case 'array':
      return { t: 'array', element: from, checks: NO_CHECKS };
    case 'transform':
      return { t: 'pipe', in: from, out: { t: 'transform', fn: args[0] as TTransform['fn'] }, checks: NO_CHECKS };
    case 'pick':
    case 'extend': {
      const o = base as Extract<TNode, { t: 'object' }>;
      const shape =
        method === 'pick' ? Object.fromEntries(Object.keys(args[0] as object).map((k) => [k, o.shape[k]!])) : { ...o.shape, ...(args[0] as TShapes) };
      return { t: 'object', mode: o.mode, shape, checks: NO_CHECKS };
    }
  }
  throw new Error(`shape: no method ${method}`);
}

const base = <Z extends TZod>(method: 'string' | 'number' | 'int' | 'boolean' | 'unknown' | 'undefined') => new Shape<Z>(undefined, method, NO_ARGS);

export const string = (): Shape<z.ZodString> => base('string');
export const number = (): Shape<z.ZodNumber> => base('number');
export const int = (): Shape<z.ZodInt> => base('int');
export const boolean = (): Shape<z.ZodBoolean> => base('boolean');
export const unknown = (): Shape<z.ZodUnknown> => base('unknown');
const undefined_ = (): Shape<z.ZodUndefined> => base('undefined');

export function literal<const T extends z.core.util.Literal>(value: T): Shape<z.ZodLiteral<T>> {
  return new Shape(undefined, 'literal', argsOf(value));
}
function enum_<const T extends readonly string[]>(values: T): Shape<z.ZodEnum<z.core.util.ToEnum<T[number]>>> {
  return new Shape(undefined, 'enum', argsOf(values));
}
export { enum_ as enum, undefined_ as undefined };

const objectOf =
  <C extends z.core.$ZodObjectConfig>(method: 'object' | 'strictObject' | 'looseObject') =>
  <S extends TShapes>(shape: S): ObjectShape<S, C> =>
    new ObjectShape<S, C>(undefined, method, argsOf(shape));
export const object = objectOf<z.core.$strip>('object');
export const strictObject = objectOf<z.core.$strict>('strictObject');
export const looseObject = objectOf<z.core.$loose>('looseObject');

export function array<T extends Shape>(element: T): Shape<z.ZodArray<ZodOf<T>>> {
  return new Shape(undefined, 'array', argsOf(element));
}

type TKey = Shape<z.core.$ZodRecordKey & TZod>;
export function record<K extends TKey, V extends Shape>(key: K, value: V): Shape<z.ZodRecord<ZodOf<K> & z.core.$ZodRecordKey, ZodOf<V>>> {
  return new Shape(undefined, 'record', argsOf(key, value));
}
export function partialRecord<K extends TKey, V extends Shape>(
  key: K,
  value: V,
): Shape<z.ZodRecord<ZodOf<K> & z.core.$ZodRecordKey & z.core.$partial, ZodOf<V>>> {
  return new Shape(undefined, 'partialRecord', argsOf(key, value));
}

type TDiscriminable = readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]];
export function discriminatedUnion<D extends string, const T extends readonly [Shape, ...Shape[]]>(
  discriminator: D,
  options: T,
): Shape<ZodTuple<T> extends TDiscriminable ? z.ZodDiscriminatedUnion<ZodTuple<T>, D> : never> {
  return new Shape(undefined, 'discriminatedUnion', argsOf(discriminator, options)) as never;
}

/** `z.preprocess(fn, schema)`: `fn` rewrites the input before `schema` reads it. */
export function preprocess<A, U extends Shape, B = unknown>(fn: (value: B, ctx: TRefinementCtx) => A, schema: U): Shape<z.ZodPreprocess<ZodOf<U>, B>> {
  return new Shape(undefined, 'preprocess', argsOf(fn, schema));
}
