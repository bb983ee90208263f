import { PantauError } from '@pantau/core';
import { type IndexNames, type SearchClient, storeError } from '@pantau/store';

/**
 * Agency-owned documents (watchlists, subscriptions): read by id and visible only to their agency.
 * Another agency's document answers NOT_FOUND exactly like a missing one.
 */
export type OwnedIndex = 'watchlists' | 'subscriptions';

export async function getOwned<T extends { agencyId: string }>(
  search: SearchClient,
  names: IndexNames,
  index: OwnedIndex,
  id: string,
  agencyId: string,
): Promise<T> {
  let doc: T | undefined;
  try {
    const res = await search.get({ index: names.of(index), id }, { ignore: [404] });
    const body = res.body as { found?: boolean; _source?: T };
    doc = body.found ? body._source : undefined;
  } catch (err) {
    throw storeError(err, `reading ${index}`);
  }
  if (!doc || doc.agencyId !== agencyId)
    throw new PantauError('NOT_FOUND', `no ${index.replace(/s$/, '')} ${id}`);
  return doc;
}

export async function listOwned<T>(
  search: SearchClient,
  names: IndexNames,
  index: OwnedIndex,
  agencyId: string,
  size = 200,
): Promise<T[]> {
  try {
    const res = await search.search({
      index: names.of(index),
      body: { size, query: { term: { agencyId } }, sort: [{ createdAt: 'desc' }] } as never,
    });
    return res.body.hits.hits.map((h) => h._source as T);
  } catch (err) {
    throw storeError(err, `listing ${index}`);
  }
}

/**
 * Writes a new document (an existing id is a conflict), or with `replace` a new version of one whose
 * owner the caller has checked (getOwned).
 */
export async function putDoc(
  search: SearchClient,
  names: IndexNames,
  index: OwnedIndex,
  id: string,
  doc: object,
  { replace = false }: { replace?: boolean } = {},
): Promise<void> {
  try {
    await search.index({
      index: names.of(index),
      id,
      body: doc as never,
      ...(replace ? {} : { op_type: 'create' as const }),
      refresh: 'wait_for',
    });
  } catch (err) {
    throw storeError(err, `writing ${index}`);
  }
}

export async function deleteDoc(
  search: SearchClient,
  names: IndexNames,
  index: OwnedIndex,
  id: string,
): Promise<void> {
  try {
    await search.delete({ index: names.of(index), id, refresh: 'wait_for' }, { ignore: [404] });
  } catch (err) {
    throw storeError(err, `deleting from ${index}`);
  }
}
