import type { SearchClient } from './opensearch';
import { storeError } from './opensearch';
import posts from '../../../infra/opensearch/indices/posts.json';
import issues from '../../../infra/opensearch/indices/issues.json';
import agencies from '../../../infra/opensearch/indices/agencies.json';
import apikeys from '../../../infra/opensearch/indices/apikeys.json';
import watchlists from '../../../infra/opensearch/indices/watchlists.json';
import subscriptions from '../../../infra/opensearch/indices/subscriptions.json';
import alerts from '../../../infra/opensearch/indices/alerts.json';
import audit from '../../../infra/opensearch/indices/audit.json';
import factchecks from '../../../infra/opensearch/indices/factchecks.json';
import labels from '../../../infra/opensearch/indices/labels.json';
import sources from '../../../infra/opensearch/indices/sources.json';
import models from '../../../infra/opensearch/indices/models.json';
import clarifications from '../../../infra/opensearch/indices/clarifications.json';

/**
 * Index definitions live as JSON files under infra/opensearch/indices (one per index, readable by
 * operators); they are imported here so a bundled service carries them.
 */
interface IndexDefinition {
  settings: Record<string, unknown>;
  mappings: Record<string, unknown>;
}

const SINGLE_INDICES = {
  issues,
  agencies,
  apikeys,
  watchlists,
  subscriptions,
  alerts,
  audit,
  factchecks,
  labels,
  sources,
  models,
  clarifications,
} satisfies Record<string, IndexDefinition>;
export type IndexName = keyof typeof SINGLE_INDICES | 'posts';

export class IndexNames {
  constructor(readonly prefix: string) {}
  /** Alias over every monthly posts index: search here. */
  get posts(): string {
    return `${this.prefix}posts`;
  }
  /** The monthly index a post belongs to, fixed by its publication date so a replay hits the same one. */
  postsFor(publishedAt: string): string {
    const d = new Date(publishedAt);
    const month = Number.isNaN(d.getTime())
      ? 'undated'
      : `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    return `${this.prefix}posts-${month}`;
  }
  of(name: Exclude<IndexName, 'posts'>): string {
    return `${this.prefix}${name}`;
  }
}

export interface InstallOptions {
  prefix: string;
  replicas?: number;
  /**
   * refresh_interval of the monthly posts indices made from now on (default: the template's, 500 ms).
   * Indices already made keep theirs: an operator may have set one on purpose (a backfill at -1).
   */
  postsRefreshInterval?: string;
}

/**
 * Puts the template's fields into the existing monthly posts indices. A field whose indexing options
 * changed since an index was made (e.g. MinHash bands no longer indexed) cannot change there: that
 * index keeps its old options for it, and only later months get the new ones.
 */
async function putPostsMapping(client: SearchClient, index: string): Promise<void> {
  const put = (properties: Record<string, unknown>) =>
    client.indices.putMapping({ index, allow_no_indices: true, body: { properties } as never });
  try {
    await put(posts.mappings.properties);
  } catch (err) {
    const conflict = /illegal_argument_exception/.test(
      JSON.stringify((err as { meta?: { body?: unknown } }).meta?.body ?? ''),
    );
    if (!conflict) throw err;
    for (const [name, field] of Object.entries(posts.mappings.properties)) {
      await put({ [name]: field }).catch((e: { meta?: { body?: unknown } }) => {
        if (!/illegal_argument_exception/.test(JSON.stringify(e.meta?.body ?? ''))) throw e;
      });
    }
  }
}

/** Creates the posts template and every other index when missing. Safe to run at every start. */
export async function installIndices(
  client: SearchClient,
  { prefix, replicas = 0, postsRefreshInterval }: InstallOptions,
): Promise<IndexNames> {
  const names = new IndexNames(prefix);
  try {
    await client.indices.putIndexTemplate({
      name: `${prefix}posts`,
      body: {
        index_patterns: [`${prefix}posts-*`],
        priority: 100,
        template: {
          settings: {
            ...posts.settings,
            number_of_replicas: replicas,
            ...(postsRefreshInterval ? { refresh_interval: postsRefreshInterval } : {}),
          } as never,
          mappings: posts.mappings as never,
          aliases: { [names.posts]: {} },
        },
      },
    });
    // Monthly posts indices made before a field was added to the template get it too (fields are
    // only ever added, and the mapping is strict, so a new field would otherwise be refused).
    await putPostsMapping(client, `${prefix}posts-*`);
    for (const [name, def] of Object.entries(SINGLE_INDICES) as [
      Exclude<IndexName, 'posts'>,
      IndexDefinition,
    ][]) {
      const index = names.of(name);
      const exists = await client.indices.exists({ index });
      if (exists.body) continue;
      try {
        await client.indices.create({
          index,
          body: {
            settings: { ...def.settings, number_of_replicas: replicas } as never,
            mappings: def.mappings as never,
          },
        });
      } catch (err) {
        // Two services starting together may race to create the same index: that is fine.
        if (
          !JSON.stringify((err as { meta?: { body?: unknown } }).meta?.body ?? '').includes(
            'resource_already_exists',
          )
        )
          throw err;
      }
    }
    // Fields added after indices were first created (topics, regions) are put into existing indices
    // too: additive mapping changes only, so older monthly post indices accept new documents.
    const added: [string, unknown][] = [
      [`${prefix}posts-*`, { topics: posts.mappings.properties.topics }],
      [
        names.of('issues'),
        {
          topics: issues.mappings.properties.topics,
          regions: issues.mappings.properties.regions,
          sources: issues.mappings.properties.sources,
          factChecks: issues.mappings.properties.factChecks,
        },
      ],
      [names.of('sources'), { region: sources.mappings.properties.region }],
    ];
    for (const [index, properties] of added)
      await client.indices.putMapping({
        index,
        allow_no_indices: true,
        ignore_unavailable: true,
        body: { properties } as never,
      });
  } catch (err) {
    throw storeError(err, 'installing OpenSearch indices');
  }
  return names;
}

/** Deletes every index and template with the prefix (tests). */
export async function dropIndices(client: SearchClient, prefix: string): Promise<void> {
  await client.indices.delete({ index: `${prefix}*`, expand_wildcards: 'all' }).catch(() => undefined);
  await client.indices.deleteIndexTemplate({ name: `${prefix}posts` }).catch(() => undefined);
}
