import {
  createRetrainQueue,
  createRetrainWorker,
  obliterateDeliveryQueue,
  RETRAIN_QUEUE,
} from '@pantau/alerts';
import { buildApp } from '@pantau/api';
import { createKafkaBus, type Bus } from '@pantau/bus';
import { topicNames } from '@pantau/core';
import { DEFAULT_TRAINING_FILE, createEnricher, readLabelledCsv, trainHoaxModel } from '@pantau/nlp-id';
import { Health } from '@pantau/runtime';
import { ModelSync, runRetrain } from '@pantau/scorer';
import {
  bulkIndex,
  createSearchClient,
  dropIndices,
  installIndices,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName } from '@pantau/testkit';
import type { FastifyInstance } from 'fastify';

/**
 * Analysts' labels feed the hoax model, on the real stack (OpenSearch, Redis/BullMQ, Kafka for the
 * API's producer): labels posted through the HTTP API → a retrain job on the BullMQ queue → the
 * candidate is evaluated and promoted (or not) → the scorer's model sync serves the promoted model to
 * new posts, each score naming its version. Labels that contradict the corpus are not promoted.
 */
jest.setTimeout(300_000);
const ADMIN_KEY = 'operator-key-0123456789abcdef';
const logger = testLogger('labels-e2e');

describe('labels → retrain → promoted model (real OpenSearch, Redis, Kafka)', () => {
  const prefix = `${uniqueName('labels')}-`;
  const queuePrefix = uniqueName('retrainq');
  let search: SearchClient;
  let names: IndexNames;
  let bus: Bus;
  let app: FastifyInstance;
  let queue: ReturnType<typeof createRetrainQueue>;
  let worker: { close(): Promise<void> };
  let agencyKey: string;
  // The project corpus: a third of it becomes posts that analysts label, the rest is the corpus the
  // retrain starts from (as the shipped corpus would be). 2^16 buckets and 3 evaluation folds keep the
  // retrain short. (With 2 calibration folds instead of 5 the consistent labels were rejected: the
  // gate's 0.01 tolerance is within the noise of 2-fold thresholds on 190 labels.)
  const all = readLabelledCsv(DEFAULT_TRAINING_FILE);
  const labelled = all.filter((_, i) => i % 3 === 0);
  const corpus = all.filter((_, i) => i % 3 !== 0);
  const options = { dim: 1 << 16 };
  const scorer = createEnricher({ model: trainHoaxModel(corpus, { version: 'in-use', ...options }) });

  const call = (method: 'GET' | 'POST', url: string, body?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${agencyKey}` },
      ...(body ? { payload: body } : {}),
    });

  beforeAll(async () => {
    await requireServers('opensearch', 'redis', 'kafka');
    search = createSearchClient(servers.opensearchUrl);
    names = await installIndices(search, { prefix });
    bus = createKafkaBus({ brokers: servers.kafkaBrokers, clientId: 'labels-e2e', logger });
    queue = createRetrainQueue({ redisUrl: servers.redisUrl, prefix: queuePrefix, logger });
    worker = createRetrainWorker({
      redisUrl: servers.redisUrl,
      prefix: queuePrefix,
      logger,
      run: () =>
        runRetrain({ search, names, logger, current: () => scorer.model, corpus, options, folds: 3 }),
    });
    app = buildApp({
      config: { PANTAU_ADMIN_KEY: ADMIN_KEY },
      logger,
      search,
      names,
      producer: bus.producer(),
      topics: topicNames(`${prefix}.`),
      health: new Health(),
      retrain: queue,
    });
    await app.ready();
    const agency = await app.inject({
      method: 'POST',
      url: '/v1/agencies',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      payload: { name: uniqueName('Kominfo') },
    });
    expect(agency.statusCode).toBe(201);
    agencyKey = agency.json<{ apiKey: string }>().apiKey;
    await bulkIndex(
      search,
      labelled.map((r, i) => ({
        index: names.postsFor('2026-11-20T08:00:00Z'),
        id: `post-${i}`,
        doc: {
          v: 1,
          id: `post-${i}`,
          source: 'test',
          sourceId: `post-${i}`,
          text: r.text,
          publishedAt: '2026-11-20T08:00:00Z',
          fetchedAt: '2026-11-20T08:00:01Z',
          hoaxScore: 0.5,
          signals: [],
        },
      })),
      { refresh: true },
    );
  });

  afterAll(async () => {
    await app?.close();
    await worker?.close();
    await queue?.close();
    await obliterateDeliveryQueue(servers.redisUrl, queuePrefix, RETRAIN_QUEUE).catch(() => undefined);
    await bus?.close();
    await dropIndices(search, prefix);
    await search?.close();
  });

  const labelAll = async (flip: boolean) => {
    for (const [i, r] of labelled.entries()) {
      const hoax = flip ? r.label === 0 : r.label === 1;
      const res = await call('POST', `/v1/posts/post-${i}/labels`, {
        label: hoax ? 'hoax' : 'not_hoax',
        ...(i === 0 ? { note: 'narasi sama dengan hoaks yang sudah diklarifikasi' } : {}),
      });
      expect(res.statusCode).toBe(201);
    }
  };
  const retrain = async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/models/retrain',
      headers: { authorization: `Bearer ${agencyKey}` },
    });
    expect(res.statusCode).toBe(202);
    return queue.waitFor(res.json<{ jobId: string }>().jobId, 240_000) as Promise<{
      version: string;
      status: string;
    }>;
  };

  it('rejects labels for unknown posts and bad bodies, and audits labels', async () => {
    expect((await call('POST', '/v1/posts/nope/labels', { label: 'hoax' })).statusCode).toBe(404);
    expect((await call('POST', '/v1/posts/post-0/labels', { label: 'maybe' })).statusCode).toBe(400);
    const res = await call('POST', '/v1/posts/post-0/labels', { label: 'hoax', note: 'cek' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ postId: 'post-0', label: 'hoax', note: 'cek' });
    expect(res.json()).not.toHaveProperty('text');
    await search.indices.refresh({ index: names.of('audit') });
    const audits = await search.search({
      index: names.of('audit'),
      body: { query: { term: { action: 'label.create' } } } as never,
    });
    expect(audits.body.hits.hits.map((h) => (h._source as { target: string }).target)).toContain('post-0');
  });

  it('promotes a candidate trained on consistent labels; new posts carry its version', async () => {
    await labelAll(false);
    // The candidate trains in a worker thread: the process that runs the job (here, this one) keeps
    // working meanwhile. Trained inline, no timer fired until training ended (an eighth of the ticks).
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    const started = Date.now();
    const result = await retrain().finally(() => clearInterval(timer));
    expect(ticks).toBeGreaterThan((Date.now() - started) / 10 / 3);
    expect(result.status).toBe('promoted');
    const models = await call('GET', '/v1/models');
    expect(models.statusCode).toBe(200);
    const body = models.json<{
      inUse: string;
      items: { version: string; status: string; figures: object }[];
    }>();
    expect(body.inUse).toBe(result.version);
    expect(body.items[0]).toMatchObject({ version: result.version, status: 'promoted' });
    expect(body.items[0]!.figures).toHaveProperty('labels');

    const sync = new ModelSync(search, names, scorer, logger);
    expect(scorer.enrich('Pesan berantai: vaksin berisi chip, sebarkan!').hoax.modelVersion).toBe('in-use');
    expect(await sync.refresh()).toBe(result.version);
    expect(scorer.enrich('Pesan berantai: vaksin berisi chip, sebarkan!').hoax.modelVersion).toBe(
      result.version,
    );
  });

  it('does not promote a candidate trained on labels that contradict the corpus', async () => {
    const serving = scorer.model.version;
    await labelAll(true);
    const result = await retrain();
    expect(result.status).toBe('rejected');
    const body = (await call('GET', '/v1/models')).json<{ inUse: string; items: { status: string }[] }>();
    expect(body.inUse).toBe(serving);
    expect(body.items.map((m) => m.status)).toEqual(['rejected', 'promoted']);
    expect(await new ModelSync(search, names, scorer, logger).refresh()).toBe(serving);
  });
});
