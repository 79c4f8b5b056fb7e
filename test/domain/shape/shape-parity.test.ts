/**
 * A shape (src/domain/shape) and its Zod twin (`toZod`) give the same answer: the same verdict,
 * the same output (defaults, trimming, stripped keys, transforms) and the same issues (code, path,
 * message, in Zod's order). Workflows read with shapes and the API with their Zod twins, so this
 * is what keeps "a rule lives once" true of the schemas. Every shape the domain exports is read
 * with generated inputs, most of them accepted, many refused at some depth.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from '../../../src/domain/shape';
import { Shape, type TIssue } from '../../../src/domain/shape';
import { toZod } from '../../../src/domain/shape/to-zod';
import { arbitraryFor } from '../../support/shape-arbitrary';
import { DOMAIN_SHAPES, SHAPE_MODULES } from '../../support/domain-shapes';

/** What both engines said, comparable with toStrictEqual (an absent key and an undefined one differ). */
function answer(result: { success: boolean; data?: unknown; error?: { issues: readonly object[] } }) {
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    issues: result.error!.issues.map((i) => {
      const { code, path, message } = i as TIssue;
      return { code, path, message };
    }),
  };
}

/** A refinement may throw (a money check on an amount no schema let through): then both must throw the same. */
function attempt(read: () => Parameters<typeof answer>[0]) {
  try {
    return answer(read());
  } catch (err) {
    return { threw: (err as Error).message };
  }
}

function expectSameAnswers(shape: Shape, runs: number) {
  const zod = toZod(shape);
  fc.assert(
    fc.property(arbitraryFor(shape), (input) => {
      expect(attempt(() => shape.safeParse(input))).toStrictEqual(attempt(() => zod.safeParse(input)));
    }),
    { numRuns: runs },
  );
}

describe('shape ≡ Zod on made-up schemas (each kind and check)', () => {
  const A = z
    .strictObject({
      type: z.literal('A'),
      name: z.string().trim().min(1).max(5),
      n: z.int().min(0).max(10).default(3),
      tags: z.array(z.string().min(1)).max(2).default([]),
      opt: z.boolean().optional(),
      at: z.number().int().nonnegative().optional(),
    })
    .refine((v) => v.name !== 'bad', { message: 'no bad', path: ['name'] });
  const B = z.object({
    type: z.literal('B'),
    x: z.number().positive(),
    sha: z
      .string()
      .regex(/^[0-9a-f]{4}$/i, 'hex')
      .transform((s) => s.toLowerCase()),
  });
  const C = z.looseObject({ type: z.literal('C'), path: z.string().startsWith('/'), n: z.int().nullable(), e: z.enum(['X', 'Y']).prefault('X') });
  const cases: Array<[string, Shape]> = [
    ['discriminated union of strict, strip and loose objects', z.discriminatedUnion('type', [A, B, C])],
    ['records', z.strictObject({ r: z.record(z.string(), z.int()), p: z.partialRecord(z.enum(['P', 'Q']), z.string().min(2)).default({}) })],
    [
      'preprocess and superRefine',
      z.preprocess(
        (v) => (typeof v === 'object' && v !== null ? { ...v, dropped: undefined } : v),
        z.object({ a: z.int(), b: z.int() }).superRefine((v, ctx) => {
          if (v.a > v.b) ctx.addIssue({ code: 'custom', path: ['b'], message: 'b below a', params: { zh: '小' } });
        }),
      ),
    ],
    ['pick and extend', z.strictObject({ a: z.string(), b: z.int(), c: z.boolean() }).pick({ a: true, c: true }).extend({ d: z.unknown() })],
    [
      'array of arrays, .array(), nested defaults',
      z
        .array(z.string().trim().min(1).array().min(1).max(2))
        .min(1)
        .default([['x']]),
    ],
  ];
  it.each(cases)('%s', (_name, shape) => expectSameAnswers(shape, 400));
});

describe('shape ≡ Zod on every shape the domain exports', () => {
  it('reads every domain module that writes shapes', () => {
    const root = path.resolve(import.meta.dirname, '../../../src/domain');
    const writers = fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && /^import \* as z from '[./]+shape';$/m.test(fs.readFileSync(path.join(root, file), 'utf8')))
      .map((file) => file.split(path.sep).join('/'));
    expect(Object.keys(SHAPE_MODULES).sort()).toEqual(writers.sort());
  });

  it.each(DOMAIN_SHAPES())('%s', (_name, shape) => expectSameAnswers(shape, 150));
});
