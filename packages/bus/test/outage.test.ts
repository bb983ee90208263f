import pino from 'pino';
import { Writable } from 'node:stream';
import { outageLog } from '../src/kafka';

describe('outageLog', () => {
  it('logs an outage once when it starts and once when it ends, however often it fails', () => {
    const lines: { level: number; msg: string; downMs?: number }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const outage = outageLog(pino({ level: 'debug' }, sink), 'kafka');
    outage.recovered(); // nothing to recover from: silent
    expect(outage.down).toBe(false);
    for (let i = 0; i < 50; i += 1) outage.failed(new Error('ECONNREFUSED'));
    expect(outage.down).toBe(true);
    outage.recovered();
    outage.recovered();
    outage.failed(new Error('again'));
    expect(lines.map((l) => l.level)).toEqual([50, 40, 50]);
    expect(lines[0]!.msg).toContain('kafka unavailable');
    expect(lines[1]!.msg).toContain('kafka is back');
    expect(typeof lines[1]!.downMs).toBe('number');
  });
});
