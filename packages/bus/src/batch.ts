import { PantauError, isRetriable, toPantauError, DeadLetter, SCHEMA_VERSION } from '@pantau/core';
import { metrics } from '@pantau/metrics';
import { backOff } from 'exponential-backoff';
import type { Logger } from 'pino';
import type { BusMessage, ConsumerOptions, Decoded, OutgoingMessage, Producer } from './types';

/**
 * The adapter-independent heart of every consumer: decode, hand to the handler, retry what can
 * succeed, isolate and dead-letter what cannot. Adapters call it with a fetched batch and commit only
 * after it resolves; if it throws, nothing is committed and the batch comes again.
 */
export interface BatchProcessorDeps {
  producer: Producer;
  logger: Logger;
  /** Retries of a batch whose handler threw a retriable error, before the consumer gives up (crash → restart). */
  maxRetries?: number;
  initialDelayMs?: number;
}

export function deadLetter(message: BusMessage, error: PantauError, groupId: string): OutgoingMessage {
  const letter: DeadLetter = {
    v: SCHEMA_VERSION,
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key,
    valueBase64: message.value.toString('base64'),
    errorCode: error.code,
    errorMessage: error.message,
    consumerGroup: groupId,
    failedAt: new Date().toISOString(),
  };
  return {
    key: message.key,
    value: JSON.stringify(letter),
    headers: { 'x-error-code': error.code, 'x-source-topic': message.topic },
  };
}

export async function processBatch<T>(
  messages: BusMessage[],
  options: ConsumerOptions<T>,
  deps: BatchProcessorDeps,
): Promise<void> {
  // Metrics for every stage at once: batch latency, messages handled, dead letters.
  const labels = { group: options.groupId, topic: messages[0]?.topic ?? '' };
  const endTimer = metrics.batchSeconds.startTimer(labels);
  try {
    const dead = await handleBatchOnce(messages, options, deps);
    metrics.messagesHandled.inc(labels, messages.length - dead);
  } finally {
    endTimer();
  }
}

async function handleBatchOnce<T>(
  messages: BusMessage[],
  options: ConsumerOptions<T>,
  deps: BatchProcessorDeps,
): Promise<number> {
  const { producer, logger } = deps;
  const poison: { message: BusMessage; error: PantauError }[] = [];
  const decoded: Decoded<T>[] = [];
  for (const message of messages) {
    try {
      decoded.push({ message, value: options.decode(message.value, message) });
    } catch (err) {
      poison.push({ message, error: toPantauError(err, 'VALIDATION') });
    }
  }

  const runHandler = async (batch: Decoded<T>[]) =>
    backOff(async () => (await options.handleBatch(batch)) ?? {}, {
      numOfAttempts: (deps.maxRetries ?? 5) + 1,
      startingDelay: deps.initialDelayMs ?? 200,
      maxDelay: 10_000,
      jitter: 'full',
      retry: (err, attempt) => {
        const retriable = isRetriable(err);
        logger.warn({ err, attempt, retriable, size: batch.length }, 'batch handler failed');
        return retriable;
      },
    });

  if (decoded.length > 0) {
    try {
      const result = await runHandler(decoded);
      poison.push(...(result.failed ?? []));
    } catch (err) {
      if (isRetriable(err)) {
        // Retries ran out on something that may yet succeed (a server down): do not dead-letter good
        // messages; fail the batch so it is not committed and comes again after the restart.
        throw new PantauError('RETRIES_EXHAUSTED', `batch handler kept failing: ${(err as Error).message}`, {
          cause: err,
          retriable: true,
        });
      }
      // A non-retriable failure of the whole batch: find the guilty messages one by one.
      for (const item of decoded) {
        try {
          const result = await runHandler([item]);
          poison.push(...(result.failed ?? []));
        } catch (single) {
          if (isRetriable(single)) throw single;
          poison.push({ message: item.message, error: toPantauError(single, 'HANDLER_FAILED') });
        }
      }
    }
  }

  if (poison.length > 0) {
    await producer.send(
      options.dlqTopic,
      poison.map(({ message, error }) => deadLetter(message, error, options.groupId)),
    );
    for (const { message, error } of poison) {
      metrics.dlqMessages.inc({ group: options.groupId, topic: message.topic, code: error.code });
      logger.warn(
        {
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          code: error.code,
          reason: error.message,
        },
        'message dead-lettered',
      );
    }
  }
  return poison.length;
}
