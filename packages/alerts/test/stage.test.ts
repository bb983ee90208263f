import { PantauError, type IssueEvent } from '@pantau/core';
import type { BusMessage, Decoded } from '@pantau/bus';
import { createIssueEventStage } from '../src';

const item = (issueId: string): Decoded<IssueEvent> => ({
  message: {
    topic: 'issues',
    partition: 0,
    offset: issueId,
    key: issueId,
    value: Buffer.from('{}'),
    headers: {},
    timestamp: 0,
  } as BusMessage,
  value: { issueId } as IssueEvent,
});

describe('issue event stage', () => {
  it('dead-letters only the events that can never be handled', async () => {
    const handled: string[] = [];
    const stage = createIssueEventStage({
      alertsOnIssues: async () => new Map(),
      handleIssueEvent: async (e) => {
        if (e.issueId === 'rusak') throw new PantauError('VALIDATION', 'issue tanpa judul');
        handled.push(e.issueId);
        return [];
      },
    });
    const result = await stage.handleBatch([item('a'), item('rusak'), item('b')]);
    expect(handled).toEqual(['a', 'b']);
    expect(result.failed!.map((f) => [f.message.offset, f.error.code])).toEqual([['rusak', 'VALIDATION']]);
  });

  it('fails the whole batch when a server is down, so it is retried', async () => {
    const stage = createIssueEventStage({
      alertsOnIssues: async () => new Map(),
      handleIssueEvent: async () => {
        throw new PantauError('STORE_UNAVAILABLE', 'opensearch tidak menjawab');
      },
    });
    await expect(stage.handleBatch([item('a')])).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
