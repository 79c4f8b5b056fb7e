import { z } from 'zod';

/** The sign-in body: POST /api/auth/login validates with it, and so does the React app's sign-in form. */
export const ZLoginBody = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
