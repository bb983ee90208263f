import { Writable } from 'node:stream';
import pino from 'pino';
import { logLevel } from 'kafkajs';
import { pinoLogCreator } from '../src/kafka';

// kafkajs (the adapter's own dependency) logs what a broker answers while it settles at start-up at
// ERROR; those must not reach a newcomer's terminal as errors. Real failures still must.
describe('kafkajs logs through pino', () => {
  const capture = () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const log = pinoLogCreator(pino({ level: 'trace' }, sink))();
    return { lines, log };
  };
  const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) => ({
    namespace: 'test',
    level,
    label: 'ERROR',
    log: { timestamp: new Date().toISOString(), message, ...extra },
  });

  it('logs start-up conditions kafkajs retries by itself at debug', () => {
    const { lines, log } = capture();
    log(
      entry(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', {
        error: "The coordinator is loading and hence can't process requests",
      }),
    );
    log(entry(logLevel.ERROR, 'Topic creation errors', { error: 'Topic with this name already exists' }));
    log(
      entry(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', {
        error: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
      }),
    );
    expect(lines.map((l) => l.level)).toEqual([20, 20, 20]);
  });

  it('keeps real failures at error', () => {
    const { lines, log } = capture();
    log(entry(logLevel.ERROR, 'Crash: KafkaJSNonRetriableError', { error: 'Unknown topic or partition' }));
    expect(lines.map((l) => l.level)).toEqual([50]);
  });
});
