import { loadConfig } from '@pantau/runtime';
import { ApiServiceConfig } from '../src/config';

describe('api service config', () => {
  it('has defaults for everything but the operator key', () => {
    const config = loadConfig(ApiServiceConfig, { PANTAU_ADMIN_KEY: 'x'.repeat(16) });
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      ALERT_COOLDOWN_MS: 1_800_000,
      DELIVERY_ATTEMPTS: 6,
      DELIVERY_BACKOFF_MS: 5000,
    });
  });

  it('requires a long enough operator key and numeric settings', () => {
    expect(() => loadConfig(ApiServiceConfig, {})).toThrow(/PANTAU_ADMIN_KEY/);
    expect(() => loadConfig(ApiServiceConfig, { PANTAU_ADMIN_KEY: 'short' })).toThrow(/PANTAU_ADMIN_KEY/);
    expect(() =>
      loadConfig(ApiServiceConfig, { PANTAU_ADMIN_KEY: 'x'.repeat(16), PORT: 'abc', DELIVERY_ATTEMPTS: '0' }),
    ).toThrow(/PORT[\s\S]*DELIVERY_ATTEMPTS|DELIVERY_ATTEMPTS[\s\S]*PORT/);
  });
});
