/**
 * Local secrets of the embedded mode, generated at first start into `{dataDir}/secrets.json`
 * with mode 0600 (the data directory is git-ignored): today the Slack signing secret the local
 * Slack route verifies. Never logged nor printed: `vgac start` names this file, and its example
 * Slack command reads the secret from it when run.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { InvalidInputError } from '../../core/errors.ts';

export const SECRETS_FILE = 'secrets.json';

const SecretsSchema = z.object({ slackSigningSecret: z.string().min(16) });
export type LocalSecrets = z.infer<typeof SecretsSchema>;

/** Reads `{dataDir}/secrets.json`, creating it (0600) with fresh random secrets when missing. */
export async function loadOrCreateLocalSecrets(dataDir: string): Promise<LocalSecrets & { readonly created: boolean }> {
  const path = join(dataDir, SECRETS_FILE);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new InvalidInputError(`${path} is not valid JSON (delete it to generate new local secrets)`);
    }
    const secrets = SecretsSchema.safeParse(parsed);
    if (!secrets.success)
      throw new InvalidInputError(`${path} has no valid slackSigningSecret (delete it to generate new local secrets)`);
    // Tighten a file someone loosened: it holds a signing secret.
    await chmod(path, 0o600);
    return { ...secrets.data, created: false };
  }
  await mkdir(dataDir, { recursive: true });
  const secrets: LocalSecrets = { slackSigningSecret: randomBytes(32).toString('hex') };
  // `wx`: never overwrite a file another process created meanwhile.
  await writeFile(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { ...secrets, created: true };
}
