import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CliError, EXIT } from './cli-error';

export const ZCliConfig = z.object({ url: z.url(), token: z.string().min(1) });
export type TCliConfig = z.infer<typeof ZCliConfig>;

/** BANGFU_CONFIG names the file; otherwise ~/.config/bangfu/config.json (XDG_CONFIG_HOME honoured). */
export function configPath(env: Record<string, string | undefined>): string {
  if (env.BANGFU_CONFIG) return path.resolve(env.BANGFU_CONFIG);
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'bangfu', 'config.json');
}

export async function saveConfig(file: string, config: TCliConfig): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // The token is a credential: readable by its owner only.
  await fs.writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await fs.chmod(file, 0o600);
}

/** Flags win over BANGFU_URL / BANGFU_TOKEN, which win over the saved login. */
export async function resolveConfig(env: Record<string, string | undefined>, flags: { url?: string; token?: string }): Promise<TCliConfig> {
  let saved: Partial<TCliConfig> = {};
  try {
    saved = JSON.parse(await fs.readFile(configPath(env), 'utf8')) as Partial<TCliConfig>;
  } catch {
    saved = {};
  }
  const merged = { url: flags.url ?? env.BANGFU_URL ?? saved.url, token: flags.token ?? env.BANGFU_TOKEN ?? saved.token };
  if (!merged.url || !merged.token) throw new CliError(EXIT.AUTH, 'not signed in: run `bangfu login --url <server> --token <personal API token>`');
  const parsed = ZCliConfig.safeParse(merged);
  if (!parsed.success) throw new CliError(EXIT.USAGE, `invalid server url ${merged.url}`);
  return parsed.data;
}
