import crypto from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Where attachment bytes live, addressed by their SHA-256 (lower-case hex). The database holds
 * only the hash; a store holds each content once. The disk store is the default; an
 * S3-compatible store can implement the same three calls.
 */
export interface TFileStore {
  /** Stores the bytes under their hash; storing content already there changes nothing. */
  put(args: { sha256: string; bytes: Buffer }): Promise<{ created: boolean }>;
  /** The bytes under a hash, or null when the store has none. */
  get(sha256: string): Promise<Buffer | null>;
  exists(sha256: string): Promise<boolean>;
}

export const sha256Of = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

function checkedHash(sha256: string): string {
  // The hash becomes a path: anything but 64 hex digits could name another file.
  if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256.slice(0, 80)}`);
  return sha256;
}

/**
 * Files on disk under `<root>/sha256/ab/<sha256>`. A put writes a temporary file in `<root>/tmp`
 * (same file system), flushes it and renames it into place: rename is atomic, so a crash leaves
 * at most a stray temporary file, never a partial file under a hash.
 */
export function diskFileStore({ root }: { root: string }): TFileStore {
  const pathOf = (sha256: string) => path.join(root, 'sha256', checkedHash(sha256).slice(0, 2), sha256);
  const exists = (sha256: string) =>
    stat(pathOf(sha256)).then(
      (s) => s.isFile(),
      () => false,
    );
  return {
    exists,
    async put({ sha256, bytes }) {
      if (sha256Of(bytes) !== checkedHash(sha256)) throw new Error('the bytes do not have the sha256 given');
      if (await exists(sha256)) return { created: false };
      const target = pathOf(sha256);
      const tmpDir = path.join(root, 'tmp');
      await Promise.all([mkdir(path.dirname(target), { recursive: true }), mkdir(tmpDir, { recursive: true })]);
      const tmp = path.join(tmpDir, `${sha256}.${crypto.randomUUID()}`);
      try {
        const handle = await open(tmp, 'wx', 0o640);
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        // Two uploads of the same content may race here: both renames leave identical bytes.
        await rename(tmp, target);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      return { created: true };
    },
    async get(sha256) {
      return readFile(pathOf(sha256)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
    },
  };
}
