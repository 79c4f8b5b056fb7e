/**
 * The domain's schemas without Zod at run time (see ./shape.ts). Domain modules import it as `z`
 * (`import * as z from '../shape'`), so a schema reads exactly as its Zod twin: `toZod(shape)`
 * (./to-zod.ts, never imported by workflow code) is that twin.
 */
export * from './shape';
