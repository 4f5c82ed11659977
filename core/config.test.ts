import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('uses the embedded database and port 8080 when nothing is set', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBe('');
    expect(c.port).toBe(8080);
    expect(c.dbSchema).toBe('app');
    expect(c.dataDir).toMatch(/\.data$/);
  });

  it('reads DATABASE_URL and PORT', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://x@h/db', PORT: '9000' });
    expect(c.databaseUrl).toBe('postgres://x@h/db');
    expect(c.port).toBe(9000);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT .*"eighty"/],
    [{ PORT: '70000' }, /PORT .*"70000"/],
    [{ SEED_DEMO: 'maybe' }, /SEED_DEMO .*"maybe"/],
    [{ DB_SCHEMA: 'app; drop table x' }, /DB_SCHEMA/],
  ])('rejects %o naming the variable and value', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reduces PUBLIC_BASE_URL and ALLOWED_ORIGINS to origins, and refuses what is not an http(s) URL', () => {
    const c = loadConfig({ PUBLIC_BASE_URL: 'https://gis.example.cn/map/', ALLOWED_ORIGINS: ' https://a.example.cn , http://b.example.cn:8080/x ' });
    expect(c.publicBaseUrl).toBe('https://gis.example.cn');
    expect(c.allowedOrigins).toEqual(['https://a.example.cn', 'http://b.example.cn:8080']);
    expect(loadConfig({}).publicBaseUrl).toBe('');
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'gis.example.cn' })).toThrow(/PUBLIC_BASE_URL .*"gis.example.cn"/);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'ftp://x.cn' })).toThrow(/ALLOWED_ORIGINS must use http or https/);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });
});
