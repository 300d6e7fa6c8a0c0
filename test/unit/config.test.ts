import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../server/config.js';

describe('configuration', () => {
  it('names the variable in a one-line error for a bad DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/^DATABASE_URL: /);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x@y/z' })).toThrow(
      /DATABASE_URL: must start with postgres:\/\//,
    );
  });

  it('refuses the demo time scale and demo data in production', () => {
    const prod = {
      NODE_ENV: 'production',
      ZX_CODEC_KEYS: 'k1:' + Buffer.alloc(32, 1).toString('base64'),
      ZX_DEMO: '0',
    };
    expect(() => loadConfig({ ...prod, ZX_DAY_SECONDS: '5' })).toThrow(
      /ZX_DAY_SECONDS: the demo time scale is refused/,
    );
    expect(() => loadConfig({ ...prod, ZX_DEMO: '1' })).toThrow(/ZX_DEMO: demo mode is refused/);
    expect(loadConfig(prod).daySeconds).toBe(86400);
  });

  it('requires real codec keys in production and accepts several for rotation', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ZX_DEMO: '0' })).toThrow(/ZX_CODEC_KEYS: is required/);
    expect(() => loadConfig({ ZX_CODEC_KEYS: 'k1:short' })).toThrow(/exactly 32 bytes/);
    const two = `new:${Buffer.alloc(32, 2).toString('base64')},old:${Buffer.alloc(32, 1).toString('base64')}`;
    expect(loadConfig({ ZX_CODEC_KEYS: two }).codecKeys.map((k) => k.id)).toEqual(['new', 'old']);
  });

  it('rejects a port that is not a number', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: must be an integer/);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'));

  it('has PostgreSQL, Temporal with PostgreSQL persistence, its UI, and the app as api and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'postgresql',
      'temporal',
      'temporal-ui',
      'worker',
    ]);
    expect(compose.services.temporal.environment.DB).toMatch(/^postgres/);
    expect(compose.services.api.environment.ZX_ROLE).toBe('api');
    expect(compose.services.worker.environment.ZX_ROLE).toBe('worker');
  });

  it('pins every image by tag and gives the stateful services health checks', () => {
    for (const [name, svc] of Object.entries<any>(compose.services)) {
      if (svc.image) expect(svc.image, name).toMatch(/^[\w./-]+:\d[\w.-]*$/);
      else expect(svc.build, name).toBe('.');
    }
    for (const name of ['postgresql', 'temporal', 'api'])
      expect(compose.services[name].healthcheck, name).toBeDefined();
  });

  it('only sets environment variables the config module reads', () => {
    for (const name of ['api', 'worker']) {
      for (const key of Object.keys(compose.services[name].environment)) {
        expect(CONFIG_VARIABLES as readonly string[], `${name}.${key}`).toContain(key);
      }
    }
  });
});
