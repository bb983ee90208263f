import {
  createWebhookChannel,
  classifyResponse,
  DeliveryError,
  parseRetryAfter,
  risingSummary,
  signBody,
  verifySignature,
  type AlertIssue,
} from '../src';

describe('webhook signatures', () => {
  const body = JSON.stringify({ alert: { id: 'al_1' } });
  const now = Date.parse('2026-11-20T08:00:00Z');
  const t = Math.floor(now / 1000);

  it('verifies its own signature and rejects tampering, wrong secrets and stale timestamps', () => {
    const header = signBody(body, 'sekret', t);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(body, header, 'sekret', 300, now)).toBe(true);
    expect(verifySignature(Buffer.from(body), header, 'sekret', 300, now)).toBe(true);
    expect(verifySignature(`${body} `, header, 'sekret', 300, now)).toBe(false);
    expect(verifySignature(body, header, 'other', 300, now)).toBe(false);
    expect(verifySignature(body, header, 'sekret', 300, now + 301_000)).toBe(false);
    expect(verifySignature(body, undefined, 'sekret', 300, now)).toBe(false);
    expect(verifySignature(body, 'garbage', 'sekret', 300, now)).toBe(false);
    expect(verifySignature(body, `t=${t},v1=zz`, 'sekret', 300, now)).toBe(false);
    // Several v1 values (secret rotation): one matching is enough.
    expect(verifySignature(body, `${header},v1=${'0'.repeat(64)}`, 'sekret', 300, now)).toBe(true);
  });
});

describe('answer classification', () => {
  it('retries 5xx, 408 and 429 (with Retry-After), fails 4xx for good', () => {
    expect(() => classifyResponse(204, null, 0, 'x')).not.toThrow();
    const err = (status: number, retryAfter: string | null = null) => {
      try {
        classifyResponse(status, retryAfter, 0, 'x');
      } catch (e) {
        return e as DeliveryError;
      }
      throw new Error('expected a DeliveryError');
    };
    expect(err(500)).toMatchObject({ code: 'DELIVERY_TRANSIENT', retriable: true, status: 500 });
    expect(err(408)).toMatchObject({ code: 'DELIVERY_TRANSIENT', retriable: true });
    expect(err(429, '7')).toMatchObject({ code: 'DELIVERY_TRANSIENT', retriable: true, retryAfterMs: 7000 });
    expect(err(400)).toMatchObject({ code: 'DELIVERY_REJECTED', retriable: false, status: 400 });
    expect(err(301)).toMatchObject({ code: 'DELIVERY_REJECTED', retriable: false });
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe('alert texts', () => {
  const issue: AlertIssue = {
    id: 'i',
    title: 'vaksin palsu',
    terms: [],
    status: 'rising',
    windowMs: 300_000,
    windowCount: 42,
    total: 50,
    baseline: 2.25,
    score: 1,
    growth: 1,
    hoaxShare: 0.5,
    distinctAuthors: 3,
    coordinated: false,
    firstSeen: '',
    lastSeen: '',
  };
  it('speaks Bahasa Indonesia first, English alongside', () => {
    expect(risingSummary(issue, 1)).toEqual({
      id: 'Isu "vaksin palsu" sedang naik: 42 unggahan dalam 5 menit (biasanya 2.3). 50% berindikasi hoaks.',
      en: 'Issue "vaksin palsu" is rising: 42 posts in 5 minutes (usually 2.3). 50% look like hoaxes.',
    });
    expect(risingSummary({ ...issue, hoaxShare: 0 }, 2).id).toBe(
      'Pembaruan: isu "vaksin palsu" sedang naik: 42 unggahan dalam 5 menit (biasanya 2.3).',
    );
  });
});

describe('webhook channel target guard', () => {
  it('refuses to deliver to a loopback target unless allowed, without sending anything', async () => {
    const { createServer } = await import('node:http');
    let hits = 0;
    const server = createServer((_req, res) => {
      hits += 1;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/hook`;
    const subscription = {
      id: 'sub_1',
      agencyId: 'ag_1',
      channel: 'webhook',
      createdAt: '',
      config: { url, secret: 'rahasia' },
    };
    const payload = { alert: { id: 'al_1', version: 1 } } as unknown as Parameters<
      ReturnType<typeof createWebhookChannel>['send']
    >[0];
    try {
      const err = await createWebhookChannel()
        .send(payload, subscription as never)
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'DELIVERY_REJECTED', retriable: false });
      expect(hits).toBe(0);
      await createWebhookChannel({ allowPrivateTargets: true }).send(payload, subscription as never);
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });
});
