import { Writable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { CommonConfig, Health, configSchema, createLogger, loadConfig, repeat } from '../src';

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

  it("takes a posts refresh interval in OpenSearch's units and refuses anything else", () => {
    const base = { SECRET: 'sangat-rahasia-sekali' };
    expect(loadConfig(schema, base).POSTS_REFRESH_INTERVAL).toBeUndefined(); // the template's applies
    for (const ok of ['250ms', '2s', '1m', '-1'])
      expect(loadConfig(schema, { ...base, POSTS_REFRESH_INTERVAL: ok }).POSTS_REFRESH_INTERVAL).toBe(ok);
    for (const bad of ['2', '0s', '1 s', '500 ms', 'sebentar'])
      expect(() => loadConfig(schema, { ...base, POSTS_REFRESH_INTERVAL: bad })).toThrow(
        /POSTS_REFRESH_INTERVAL/,
      );
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

describe('createLogger, pretty (a person at a terminal)', () => {
  it('writes coloured readable lines, still with secrets redacted', async () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ service: 'api', destination: sink, format: 'pretty' });
    logger.child({ component: 'http' }).warn({ apiKey: 'pk_rahasia', port: 3000 }, 'mulai');
    // The pretty stream writes asynchronously: wait for the line (a fixed 50 ms is short on a loaded machine).
    for (let waited = 0; !out.includes('\n') && waited < 5_000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    // eslint-disable-next-line no-control-regex
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\] \x1b\[33mWARN\x1b\[39m: \x1b\[36mhttp: mulai/);
    expect(out).toContain('"port":3000');
    expect(out).not.toContain('pk_rahasia');
    expect(out).not.toMatch(/^\{/);
  });

  it('stays JSON in auto mode when the output is not a terminal', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    createLogger({ service: 'api', destination: sink, format: 'auto' }).info('x');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'x' });
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

describe('repeat', () => {
  it('runs a task on an interval, logs failures, never overlaps runs, and stops on close', async () => {
    // Fake timers: on a loaded machine (CI runs everything at once) real 10 ms timers slipped and the
    // task ran twice where three runs were expected.
    jest.useFakeTimers();
    try {
      const warnings: unknown[] = [];
      const logger = { warn: (o: unknown) => warnings.push(o) } as unknown as Parameters<typeof repeat>[3];
      let calls = 0;
      let concurrent = 0;
      let maxConcurrent = 0;
      const task = repeat(
        'tes',
        10,
        async () => {
          calls += 1;
          concurrent += 1;
          maxConcurrent = Math.max(maxConcurrent, concurrent);
          await new Promise((r) => setTimeout(r, 35));
          concurrent -= 1;
          if (calls === 1) throw new Error('gagal sekali');
        },
        logger,
      );
      await jest.advanceTimersByTimeAsync(200);
      task.close();
      const after = calls;
      await jest.advanceTimersByTimeAsync(60);
      // Runs of 35 ms every 10 ms without overlap: one starts at 10, 50, 90, 130, 170 ms.
      expect(after).toBe(5);
      expect(calls).toBe(after); // closed: no run starts after, the one in flight just finishes
      expect(maxConcurrent).toBe(1);
      expect(warnings).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
