import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, defaultConfigPath, loadConfigFile, resolveOctoPrint, saveConfigFile } from './agent-config';

describe('agent config', () => {
  const directory = () => mkdtempSync(join(tmpdir(), 'agent-config-'));

  it('writes the credential readable by its owner only, in a private directory', async () => {
    const path = join(directory(), 'nested', 'config.json');
    await saveConfigFile(path, { server: 'https://farm.example', printerId: 'prn_1', credential: 'c'.repeat(40) });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ printerId: 'prn_1' });
    expect((await loadConfigFile(path)).config.credential).toBe('c'.repeat(40));
  });

  it('tightens a config file left readable by others', async () => {
    const path = join(directory(), 'config.json');
    writeFileSync(path, JSON.stringify({ credential: 'c'.repeat(40) }));
    chmodSync(path, 0o644);
    expect((await loadConfigFile(path)).tightened).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('treats a missing file as empty and rejects a broken one', async () => {
    const dir = directory();
    expect(await loadConfigFile(join(dir, 'absent.json'))).toEqual({ config: {}, tightened: false });
    writeFileSync(join(dir, 'broken.json'), '{');
    await expect(loadConfigFile(join(dir, 'broken.json'))).rejects.toBeInstanceOf(ConfigError);
    writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ server: 'ftp://x' }));
    await expect(loadConfigFile(join(dir, 'wrong.json'))).rejects.toThrow(/server/);
  });

  it('prefers flags over the environment over the config file for OctoPrint', () => {
    const config = { octoprintUrl: 'http://file', octoprintApiKey: 'file-key' };
    const env = { OCTOPRINT_URL: 'http://env', OCTOPRINT_API_KEY: 'env-key' };
    expect(resolveOctoPrint({}, {}, config)).toEqual({ url: 'http://file', apiKey: 'file-key' });
    expect(resolveOctoPrint({}, env, config)).toEqual({ url: 'http://env', apiKey: 'env-key' });
    expect(resolveOctoPrint({ octoprintUrl: 'http://flag' }, env, config)).toEqual({
      url: 'http://flag',
      apiKey: 'env-key',
    });
    expect(resolveOctoPrint({}, {}, {})).toEqual({
      missing: [expect.stringContaining('URL'), expect.stringContaining('key')],
    });
  });

  it('finds the default path under XDG_CONFIG_HOME or ~/.config', () => {
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/x' })).toBe('/x/farmhand-agent/config.json');
    expect(defaultConfigPath({ FARMHAND_AGENT_CONFIG: '/etc/fh.json' })).toBe('/etc/fh.json');
    expect(defaultConfigPath({})).toMatch(/\.config\/farmhand-agent\/config\.json$/);
  });
});
