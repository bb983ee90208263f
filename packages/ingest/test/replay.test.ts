import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryBus } from '@pantau/bus';
import { testLogger } from '@pantau/testkit';
import { replayJsonl } from '../src';

function file(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  const path = join(dir, 'posts.jsonl');
  writeFileSync(path, lines.join('\n'));
  return path;
}

const line = (id: string, at: string, text = 'Info gempa terkini dari BMKG, tetap tenang ya gaes') =>
  JSON.stringify({ source: 'replay', sourceId: id, text, publishedAt: at });

describe('replayJsonl', () => {
  it('publishes every valid line, reports bad ones, as fast as possible', async () => {
    const bus = createMemoryBus({ logger: testLogger() });
    const path = file([
      line('1', '2026-11-01T00:00:00Z'),
      '{rusak',
      line('2', '2026-11-01T00:10:00Z'),
      '',
      JSON.stringify({ source: 'replay' }),
    ]);
    const result = await replayJsonl({
      file: path,
      topic: 'raw',
      producer: bus.producer(),
      logger: testLogger(),
    });
    expect(result).toEqual({ lines: 5, accepted: 2, rejected: 2 });
    expect(bus.read('raw')).toHaveLength(2);
  });

  it('keeps the pace of the timestamps at the given speed and can retime them to now', async () => {
    const bus = createMemoryBus({ logger: testLogger() });
    let clock = Date.parse('2026-11-28T10:00:00Z');
    const waits: number[] = [];
    const path = file([
      line('1', '2026-11-01T00:00:00Z'),
      line('2', '2026-11-01T00:10:00Z'),
      line('3', '2026-11-01T00:20:00Z'),
    ]);
    await replayJsonl({
      file: path,
      topic: 'raw',
      producer: bus.producer(),
      logger: testLogger(),
      speed: 60,
      retime: true,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    expect(waits).toEqual([10_000, 10_000]); // ten minutes at 60× = ten seconds
    const published = bus
      .read('raw')
      .map((m) => JSON.parse(m.value.toString()).publishedAt)
      .sort();
    expect(published).toEqual([
      '2026-11-28T10:00:00.000Z',
      '2026-11-28T10:00:10.000Z',
      '2026-11-28T10:00:20.000Z',
    ]);
  });
});
