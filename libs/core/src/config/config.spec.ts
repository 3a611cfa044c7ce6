import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, publicUrlDerived } from './config';
import { configSchema } from './config.schema';

describe('configuration', () => {
  it('applies defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SECRET_KEY: 'short' })).toThrow(
      /PORT.*DATABASE_URL.*SECRET_KEY|PORT|DATABASE_URL/,
    );
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      expect((error as Error).message).toContain('PORT');
      expect((error as Error).message).toContain('DATABASE_URL');
    }
  });

  it('refuses the development secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SECRET_KEY/);
  });

  it('refuses half a VAPID key pair, naming the missing half', () => {
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: 'B'.repeat(87) })).toThrow(/VAPID_PRIVATE_KEY/);
    expect(() => loadConfig({ VAPID_PRIVATE_KEY: 'a'.repeat(43) })).toThrow(/VAPID_PUBLIC_KEY/);
    expect(loadConfig({}).VAPID_PUBLIC_KEY).toBeUndefined();
  });

  it('.env.example lists exactly the variables the schema reads', () => {
    const example = readFileSync(join(__dirname, '../../../../.env.example'), 'utf8');
    const listed = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]).sort();
    expect(listed).toEqual(Object.keys(configSchema.shape).sort());
  });
});

describe('PUBLIC_URL', () => {
  it('follows PORT and HOST when unset, so links point where the server listens', () => {
    expect(loadConfig({}).PUBLIC_URL).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '3200' }).PUBLIC_URL).toBe('http://localhost:3200');
    expect(loadConfig({ HOST: 'farm.lan', PORT: '8080' }).PUBLIC_URL).toBe('http://farm.lan:8080');
    expect(loadConfig({ HOST: '::', PORT: '3200' }).PUBLIC_URL).toBe('http://localhost:3200');
    expect(loadConfig({ HOST: 'fd00::5' }).PUBLIC_URL).toBe('http://[fd00::5]:3000');
  });

  it('an explicit PUBLIC_URL wins over the derived one', () => {
    expect(loadConfig({ PORT: '3200', PUBLIC_URL: 'https://farm.example.com' }).PUBLIC_URL).toBe(
      'https://farm.example.com',
    );
    expect(publicUrlDerived({ PUBLIC_URL: 'https://farm.example.com' })).toBe(false);
    expect(publicUrlDerived({})).toBe(true);
  });

  it('rejects a PUBLIC_URL that is not a URL, naming it', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'javascript:alert(1) not a url' })).toThrow(/PUBLIC_URL/);
  });
});
