import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { agentChecksumLine, agentInstallScript } from './install-script';

const SHA = 'a'.repeat(64);

describe('agentInstallScript', () => {
  it('downloads the bundle from the configured server and pins its version and checksum', () => {
    const script = agentInstallScript({
      serverUrl: 'https://farm.example.com/farmhand/',
      version: '0.2.0',
      sha256: SHA,
    });

    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain(`AGENT_URL=https://farm.example.com/farmhand/agent/farmhand-agent.cjs\n`);
    expect(script).toContain(`AGENT_SHA256=${SHA}\n`);
    expect(script).toContain(`AGENT_VERSION=0.2.0\n`);
    expect(script).toContain('curl -fsSL https://farm.example.com/farmhand/agent/install.sh | sh -s -- enroll');
    expect(script).not.toContain('npx');
  });

  it('is a script that POSIX sh parses', () => {
    const directory = mkdtempSync(join(tmpdir(), 'install-script-'));
    const file = join(directory, 'install.sh');
    writeFileSync(file, agentInstallScript({ serverUrl: 'http://127.0.0.1:3000', version: '0.1.0', sha256: SHA }));

    expect(() => execFileSync('sh', ['-n', file])).not.toThrow();
  });

  it.each([
    ['a checksum that is not hex', { sha256: `${'a'.repeat(63)};` }],
    ['a version with shell syntax', { version: '0.1.0$(reboot)' }],
    ['a server URL with credentials', { serverUrl: 'https://user:pass@farm.example.com' }],
    ['a server URL that is not http(s)', { serverUrl: 'file:///etc/passwd' }],
  ])('refuses %s', (_label, override) => {
    expect(() =>
      agentInstallScript({ serverUrl: 'https://farm.example.com', version: '0.1.0', sha256: SHA, ...override }),
    ).toThrow(TypeError);
  });

  it('writes the sha256sum line of the bundle', () => {
    expect(agentChecksumLine(SHA)).toBe(`${SHA}  farmhand-agent.cjs\n`);
    expect(() => agentChecksumLine('nope')).toThrow(TypeError);
  });
});
