import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { z } from 'zod';

/** The agent's config file. It holds the printer credential, so it is written readable by its owner only. */
export const agentConfigFileSchema = z.object({
  server: z.url({ protocol: /^https?$/ }).optional(),
  printerId: z.string().min(1).max(64).optional(),
  credential: z.string().min(16).max(512).optional(),
  octoprintUrl: z.url({ protocol: /^https?$/ }).optional(),
  octoprintApiKey: z.string().min(1).max(512).optional(),
  frameIntervalSeconds: z.number().int().min(1).max(3_600).optional(),
  idleFrameIntervalSeconds: z.number().int().min(0).max(86_400).optional(),
  gcodeBlocklist: z
    .array(z.string().regex(/^[GMT]\d+$/i))
    .max(500)
    .optional(),
  maxToolTemperature: z.number().min(0).max(500).optional(),
  maxBedTemperature: z.number().min(0).max(200).optional(),
  maxDispatchMegabytes: z.number().int().min(1).max(1_024).optional(),
  pollIntervalSeconds: z.number().min(0.5).max(300).optional(),
});
export type AgentConfigFile = z.infer<typeof agentConfigFileSchema>;

export class ConfigError extends Error {}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FARMHAND_AGENT_CONFIG) return env.FARMHAND_AGENT_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'farmhand-agent', 'config.json');
}

/** Reads the config file; a missing file is an empty config. Tightens permissions left too open. */
export async function loadConfigFile(path: string): Promise<{ config: AgentConfigFile; tightened: boolean }> {
  const read = await readPrivateJson(path, agentConfigFileSchema);
  return read ? { config: read.data, tightened: read.tightened } : { config: {}, tightened: false };
}

/**
 * Reads a JSON file that holds secrets and validates it; null when it does not exist. A file readable by group or
 * others is set back to 0600 (`tightened`), so a copy made with the wrong umask does not stay exposed.
 */
export async function readPrivateJson<T>(
  path: string,
  schema: z.ZodType<T>,
): Promise<{ data: T; tightened: boolean } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ConfigError(`${path} is not valid JSON`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  let tightened = false;
  if (process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) {
    await chmod(path, 0o600);
    tightened = true;
  }
  return { data: parsed.data, tightened };
}

/** Writes atomically (temp file + rename), mode 0600 in a 0700 directory. */
export async function saveConfigFile(path: string, config: AgentConfigFile): Promise<void> {
  await writePrivateJson(path, config);
}

/** Writes JSON atomically (temp file + rename), mode 0600 in a 0700 directory. */
export async function writePrivateJson(path: string, data: unknown): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The umask cannot widen 0600, but chmod guards against filesystems that ignore the open mode.
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

export interface OctoPrintTarget {
  url: string;
  apiKey: string;
}

/** Flags win over the environment, which wins over the config file. */
export function resolveOctoPrint(
  flags: { octoprintUrl?: string; octoprintApiKey?: string },
  env: NodeJS.ProcessEnv,
  config: AgentConfigFile,
): OctoPrintTarget | { missing: string[] } {
  const url = flags.octoprintUrl ?? env.OCTOPRINT_URL ?? config.octoprintUrl;
  const apiKey = flags.octoprintApiKey ?? env.OCTOPRINT_API_KEY ?? config.octoprintApiKey;
  const missing: string[] = [];
  if (!url) missing.push('OctoPrint URL (--octoprint-url or OCTOPRINT_URL)');
  if (!apiKey) missing.push('OctoPrint API key (--octoprint-api-key or OCTOPRINT_API_KEY)');
  return url && apiKey ? { url, apiKey } : { missing };
}
