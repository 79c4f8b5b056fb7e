import { toZod } from '../../domain/shape/to-zod';
import * as publicObjection from '../../domain/lifecycle/public-objection';

/**
 * The public board's objection body: POST /api/public/projects/:id/objections validates with it,
 * and so does the board's form in the React app (one schema, the domain's shape).
 */
export const ZPublicObjectionBody = toZod(publicObjection.ZPublicObjectionBody);
