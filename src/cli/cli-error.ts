/**
 * Exit codes scripts can branch on. 1: the command line (or the request it made) is malformed.
 * 2: not signed in, or not allowed. 3: no such thing. 4: refused by the rules (conflict, wrong
 * state, rate limit). 5: the server failed or could not be reached. 6: the audit log's hash chain
 * is broken (`audit verify`).
 */
export const EXIT = { OK: 0, USAGE: 1, AUTH: 2, NOT_FOUND: 3, REFUSED: 4, SERVER: 5, TAMPERED: 6 } as const;
export type TExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    readonly exitCode: TExitCode,
    message: string,
    /** The API's error code and details when the server refused, for --json output. */
    readonly apiError?: { code: string; message: string; details?: unknown[] },
  ) {
    super(message);
  }
}

export function exitCodeForStatus(status: number): TExitCode {
  if (status === 400) return EXIT.USAGE;
  if (status === 401 || status === 403) return EXIT.AUTH;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status >= 500) return EXIT.SERVER;
  return EXIT.REFUSED;
}
