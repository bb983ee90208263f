import { Writable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { CommonConfig, Health, configSchema, createLogger, loadConfig } from '../src';

describe('loadConfig', () => {
  const schema = configSchema({
    ...CommonConfig,
    PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000 }),
    SECRET: Type.String({ minLength: 16 }),
  });

  it('applies defaults, coerces numbers and freezes the result', () => {
    const config = loadConfig(schema, { SECRET: 'sangat-rahasia-sekali', PORT: '8080', UNRELATED: 'x' });
    expect(config.PORT).toBe(8080);
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(Object.isFrozen(config)).toBe(true);
    expect(config).not.toHaveProperty('UNRELATED');
  });

  it('reports every problem at once', () => {
    let message = '';
    try {
      loadConfig(schema, { PORT: '99999', LOG_LEVEL: 'cerewet' });
    } catch (err) {
      expect((err as { code: string }).code).toBe('CONFIG_INVALID');
      message = (err as Error).message;
    }
    expect(message).toContain('PORT');
    expect(message).toContain('LOG_LEVEL');
    expect(message).toContain("'SECRET'");
  });
});

describe('createLogger', () => {
  it('writes JSON with the service name and redacts secrets wherever they sit', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ service: 'api', destination: sink });
    logger.info(
      {
        apiKey: 'pk_rahasia',
        subscription: { secret: 's3cret', webhookUrl: 'https://hooks.slack.com/T/B/X' },
        req: { headers: { authorization: 'Bearer pk_x' } },
      },
      'hello',
    );
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ service: 'api', level: 'info', msg: 'hello', apiKey: '[redacted]' });
    expect(entry.subscription).toEqual({ secret: '[redacted]', webhookUrl: '[redacted]' });
    expect(entry.req.headers.authorization).toBe('[redacted]');
    expect(lines[0]).not.toContain('pk_rahasia');
  });
});

describe('Health', () => {
  it('is ok only when every check answers in time', async () => {
    const health = new Health(100)
      .register('kafka', async () => undefined)
      .register('opensearch', async () => {
        throw new Error('connection refused');
      })
      .register('redis', () => new Promise((r) => setTimeout(r, 1_000).unref()));
    const report = await health.report();
    expect(report.ok).toBe(false);
    expect(report.checks.kafka!.ok).toBe(true);
    expect(report.checks.opensearch).toMatchObject({ ok: false, error: 'connection refused' });
    expect(report.checks.redis!.error).toMatch(/timed out/);
  });
});
