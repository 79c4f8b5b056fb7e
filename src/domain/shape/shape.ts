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

/** How a shape was made, for `toZod` to replay: `z[fn](...args)` or `from[method](...args)`. */
export type TMade =
  { readonly fn: string; readonly args: readonly unknown[] } | { readonly from: Shape; readonly method: string; readonly args: readonly unknown[] };

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

export class Shape<Z extends TZod = TZod> {
  /** The Zod type this shape stands for; never set (types only). */
  declare readonly '~zod'?: Z;
  /** What `read.ts` interprets. */
  readonly node: TNode;
  /** What `toZod` replays. */
  readonly made: TMade;

  constructor(node: TNode, made: TMade) {
    this.node = node;
    this.made = made;
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

  protected derive<T extends Shape>(this: T, check: TCheck, method: string, args: readonly unknown[]): T {
    const Ctor = this.constructor as new (node: TNode, made: TMade) => T;
    return new Ctor({ ...this.node, checks: [...this.node.checks, check] } as TNode, { from: this, method, args });
  }

  private wrap<W extends TZod>(node: TNode, method: string, args: readonly unknown[]): Shape<W> {
    return new Shape<W>(node, { from: this, method, args });
  }

  // ---- checks (a string's length, an array's length, a number's bounds) ----
  min(n: number, p?: TParams): this {
    return this.derive({ c: this.node.t === 'number' ? 'gte' : 'min_length', n, ...(p === undefined ? {} : { p }) }, 'min', p === undefined ? [n] : [n, p]);
  }
  max(n: number, p?: TParams): this {
    return this.derive({ c: this.node.t === 'number' ? 'lte' : 'max_length', n, ...(p === undefined ? {} : { p }) }, 'max', p === undefined ? [n] : [n, p]);
  }
  positive(p?: TParams): this {
    return this.derive({ c: 'gt', n: 0, ...(p === undefined ? {} : { p }) }, 'positive', p === undefined ? [] : [p]);
  }
  nonnegative(p?: TParams): this {
    return this.derive({ c: 'gte', n: 0, ...(p === undefined ? {} : { p }) }, 'nonnegative', p === undefined ? [] : [p]);
  }
  int(p?: TParams): this {
    return this.derive({ c: 'safeint', ...(p === undefined ? {} : { p }) }, 'int', p === undefined ? [] : [p]);
  }
  trim(): this {
    return this.derive({ c: 'trim' }, 'trim', []);
  }
  regex(re: RegExp, p?: TParams): this {
    return this.derive({ c: 'regex', re, ...(p === undefined ? {} : { p }) }, 'regex', p === undefined ? [re] : [re, p]);
  }
  startsWith(prefix: string, p?: TParams): this {
    return this.derive({ c: 'starts_with', prefix, ...(p === undefined ? {} : { p }) }, 'startsWith', p === undefined ? [prefix] : [prefix, p]);
  }
  refine(check: (value: z.output<Z>) => unknown, p?: TParams): this {
    return this.derive({ c: 'refine', fn: check, ...(p === undefined ? {} : { p }) }, 'refine', p === undefined ? [check] : [check, p]);
  }
  superRefine(fn: (value: z.output<Z>, ctx: TRefinementCtx<z.output<Z>>) => void): this {
    return this.derive({ c: 'super', fn }, 'superRefine', [fn]);
  }
  /** Documentation only (the OpenAPI document); reading ignores it. */
  describe(description: string): this {
    return this.note('describe', [description]);
  }
  meta(data: Record<string, unknown>): this {
    return this.note('meta', [data]);
  }
  private note(method: string, args: readonly unknown[]): this {
    const Ctor = this.constructor as new (node: TNode, made: TMade) => this;
    return new Ctor(this.node, { from: this, method, args });
  }

  // ---- wrappers ----
  optional(): Shape<z.ZodOptional<Z>> {
    return this.wrap({ t: 'optional', inner: this, checks: [] }, 'optional', []);
  }
  nullable(): Shape<z.ZodNullable<Z>> {
    return this.wrap({ t: 'nullable', inner: this, checks: [] }, 'nullable', []);
  }
  default(value: z.core.util.NoUndefined<z.output<Z>>): Shape<z.ZodDefault<Z>> {
    return this.wrap({ t: 'default', inner: this, value, checks: [] }, 'default', [value]);
  }
  prefault(value: z.input<Z>): Shape<z.ZodPrefault<Z>> {
    return this.wrap({ t: 'prefault', inner: this, value, checks: [] }, 'prefault', [value]);
  }
  array(): Shape<z.ZodArray<Z>> {
    return this.wrap({ t: 'array', element: this, checks: [] }, 'array', []);
  }
  transform<O>(fn: (value: z.output<Z>, ctx: TRefinementCtx<z.output<Z>>) => O): Shape<z.ZodPipe<Z, z.ZodTransform<O, z.output<Z>>>> {
    return this.wrap({ t: 'pipe', in: this, out: { t: 'transform', fn }, checks: [] }, 'transform', [fn]);
  }
}

export class ObjectShape<S extends TShapes = TShapes, C extends z.core.$ZodObjectConfig = z.core.$strip> extends Shape<z.ZodObject<ZodShapeOf<S>, C>> {
  /** The fields, as `ZodObject.shape`. */
  get shape(): S {
    return (this.node as unknown as { shape: S }).shape;
  }
  pick<M extends z.core.util.Mask<keyof S>>(mask: M): ObjectShape<z.core.util.Flatten<Pick<S, Extract<keyof S, keyof M>>>, C> {
    const node = this.node as Extract<TNode, { t: 'object' }>;
    const shape = Object.fromEntries(Object.keys(mask).map((k) => [k, node.shape[k]!]));
    return new ObjectShape({ t: 'object', mode: node.mode, shape, checks: [] }, { from: this, method: 'pick', args: [mask] });
  }
  extend<U extends TShapes>(fields: U): ObjectShape<z.core.util.Extend<S, U>, C> {
    const node = this.node as Extract<TNode, { t: 'object' }>;
    return new ObjectShape({ t: 'object', mode: node.mode, shape: { ...node.shape, ...fields }, checks: [] }, { from: this, method: 'extend', args: [fields] });
  }
}

const base = <Z extends TZod>(t: 'string' | 'number' | 'boolean' | 'unknown' | 'undefined', fn: string, checks: readonly TCheck[] = []) =>
  new Shape<Z>({ t, checks }, { fn, args: [] });

export const string = (): Shape<z.ZodString> => base('string', 'string');
export const number = (): Shape<z.ZodNumber> => base('number', 'number');
/** `z.int()`: a number that is a safe integer, checked before anything chained after it. */
export const int = (): Shape<z.ZodInt> => base('number', 'int', [{ c: 'safeint' }]);
export const boolean = (): Shape<z.ZodBoolean> => base('boolean', 'boolean');
export const unknown = (): Shape<z.ZodUnknown> => base('unknown', 'unknown');
const undefined_ = (): Shape<z.ZodUndefined> => base('undefined', 'undefined');

export function literal<const T extends z.core.util.Literal>(value: T): Shape<z.ZodLiteral<T>> {
  return new Shape({ t: 'literal', values: [value], checks: [] }, { fn: 'literal', args: [value] });
}
function enum_<const T extends readonly string[]>(values: T): Shape<z.ZodEnum<z.core.util.ToEnum<T[number]>>> {
  return new Shape({ t: 'enum', values: [...values], checks: [] }, { fn: 'enum', args: [values] });
}
export { enum_ as enum, undefined_ as undefined };

const objectOf =
  <C extends z.core.$ZodObjectConfig>(mode: 'strip' | 'strict' | 'loose', fn: string) =>
  <S extends TShapes>(shape: S): ObjectShape<S, C> =>
    new ObjectShape<S, C>({ t: 'object', shape, mode, checks: [] }, { fn, args: [shape] });
export const object = objectOf<z.core.$strip>('strip', 'object');
export const strictObject = objectOf<z.core.$strict>('strict', 'strictObject');
export const looseObject = objectOf<z.core.$loose>('loose', 'looseObject');

export function array<T extends Shape>(element: T): Shape<z.ZodArray<ZodOf<T>>> {
  return new Shape({ t: 'array', element, checks: [] }, { fn: 'array', args: [element] });
}

type TKey = Shape<z.core.$ZodRecordKey & TZod>;
export function record<K extends TKey, V extends Shape>(key: K, value: V): Shape<z.ZodRecord<ZodOf<K> & z.core.$ZodRecordKey, ZodOf<V>>> {
  return new Shape({ t: 'record', key, value, partial: false, checks: [] }, { fn: 'record', args: [key, value] });
}
export function partialRecord<K extends TKey, V extends Shape>(
  key: K,
  value: V,
): Shape<z.ZodRecord<ZodOf<K> & z.core.$ZodRecordKey & z.core.$partial, ZodOf<V>>> {
  return new Shape({ t: 'record', key, value, partial: true, checks: [] }, { fn: 'partialRecord', args: [key, value] });
}

type TDiscriminable = readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]];
export function discriminatedUnion<D extends string, const T extends readonly [Shape, ...Shape[]]>(
  discriminator: D,
  options: T,
): Shape<ZodTuple<T> extends TDiscriminable ? z.ZodDiscriminatedUnion<ZodTuple<T>, D> : never> {
  return new Shape({ t: 'union', discriminator, options, checks: [] }, { fn: 'discriminatedUnion', args: [discriminator, options] }) as never;
}

/** `z.preprocess(fn, schema)`: `fn` rewrites the input before `schema` reads it. */
export function preprocess<A, U extends Shape, B = unknown>(fn: (value: B, ctx: TRefinementCtx) => A, schema: U): Shape<z.ZodPreprocess<ZodOf<U>, B>> {
  return new Shape({ t: 'pipe', in: { t: 'transform', fn }, out: schema, checks: [] }, { fn: 'preprocess', args: [fn, schema] });
}
