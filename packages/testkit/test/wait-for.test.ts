import { waitFor } from '../src';

describe('waitFor', () => {
  it('returns the first truthy value the check gives', async () => {
    let calls = 0;
    await expect(
      waitFor(() => (++calls >= 3 ? `siap setelah ${calls}` : ''), { intervalMs: 1 }),
    ).resolves.toBe('siap setelah 3');
  });

  it('describes the wait as things stand at the timeout, not as they were when it began', async () => {
    const lines: string[] = [];
    const waiting = waitFor(() => false, {
      timeoutMs: 60,
      intervalMs: 5,
      what: () => `the API to be ready\n${lines.join('\n')}`,
    });
    setTimeout(() => lines.push('{"msg":"scorer running"}'), 10);
    await expect(waiting).rejects.toThrow(
      /the API to be ready\n\{"msg":"scorer running"\}; last value: false/,
    );
  });
});
