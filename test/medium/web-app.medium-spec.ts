import { startApi, type ApiHarness } from '@farmhand/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('the api serves the dashboard build', () => {
  let api: ApiHarness;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'farmhand-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Farmhand</title><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    api = await startApi({ WEB_DIST_DIR: dist });
  });
  afterAll(async () => {
    await api.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers client-side routes with index.html under a strict Content-Security-Policy', async () => {
    for (const path of ['/', '/orgs/123/printers', '/invitations/fh_inv_abc']) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const policy = response.headers.get('content-security-policy')!;
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).toContain("frame-ancestors 'none'");
    }
  });

  it('serves hashed assets as immutable and answers 404 for a missing one, never index.html', async () => {
    const asset = await fetch(`${api.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const missing = await fetch(`${api.url}/assets/index-gone.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('<div id="root">');
  });

  it('keeps API and metrics paths out of the fallback', async () => {
    const unknown = await fetch(`${api.url}/api/no-such-route`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: expect.any(String) } });
    const metrics = await fetch(`${api.url}/metrics`);
    expect(await metrics.text()).not.toContain('<div id="root">');
  });

  it('starts without a build and says so', async () => {
    const bare = await startApi({ WEB_DIST_DIR: join(dist, 'does-not-exist') });
    try {
      expect((await fetch(`${bare.url}/api/health`)).status).toBeLessThan(600);
      expect((await fetch(`${bare.url}/`)).status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
