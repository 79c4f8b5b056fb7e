/**
 * The Zod schema of a shape: the same calls, replayed on Zod (`z.strictObject({…})`,
 * `.trim().min(1)`, …), so the API, the activities and the OpenAPI document get exactly the
 * schema the domain wrote. Not for workflow code: it imports Zod (the `*-schema.ts` twins that
 * use it are never imported by workflows; test/workflows/workflow-bundle-modules.test.ts checks).
 */
import { z } from 'zod';
import { Shape, type ZodOf } from './shape';

const zods = new WeakMap<Shape, z.ZodType>();

/** Shapes in an argument become their Zod schemas; plain objects and arrays are copied (Zod rewrites its params objects). */
function convert(arg: unknown): unknown {
  if (arg instanceof Shape) return toZod(arg);
  if (Array.isArray(arg)) return arg.map(convert);
  if (arg !== null && typeof arg === 'object' && Object.getPrototypeOf(arg) === Object.prototype) {
    return Object.fromEntries(Object.entries(arg).map(([k, v]) => [k, convert(v)]));
  }
  return arg;
}

type TCallable = Record<string, (...args: unknown[]) => z.ZodType>;

/** The Zod schema a shape was written as; one per shape, so a schema used twice is one schema. */
export function toZod<S extends Shape>(shape: S): ZodOf<S> {
  let out = zods.get(shape);
  if (!out) {
    const target = (shape.from ? toZod(shape.from) : z) as unknown as TCallable;
    out = target[shape.method]!.apply(target, shape.args.map(convert));
    zods.set(shape, out);
  }
  return out as ZodOf<S>;
}
