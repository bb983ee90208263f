import { createHmac } from 'node:crypto';
import { putIssue, type IndexNames, type SearchClient } from '@pantau/store';
import type { FastifyInstance } from 'fastify';

/** Shared by the tipline tests: WhatsApp notifications as Meta sends them, and an issue to clarify. */

/** A notification in the shape WhatsApp Cloud API sends (object whatsapp_business_account), one change `value`. */
const whatsappWebhook = (value: Record<string, unknown>): string =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '628111000222', phone_number_id: '106540352242922' },
              ...value,
            },
          },
        ],
      },
    ],
  });

/** Messages citizens sent to the tipline number. */
export const whatsappNotification = (messages: unknown[]): string =>
  whatsappWebhook({ contacts: [{ profile: { name: 'Budi' }, wa_id: '6281234567890' }], messages });

/** Delivery statuses: Meta's report on messages we sent. */
export const whatsappStatuses = (statuses: unknown[]): string => whatsappWebhook({ statuses });

/** `X-Hub-Signature-256` of a body under the app secret. */
export const metaSignature = (body: string, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A rising issue of `count` reports, written to the index (refreshed), for an agency to clarify. */
export async function putRisingIssue(
  client: SearchClient,
  names: IndexNames,
  issue: { id: string; title: string; terms: string[]; count: number; hoaxShare: number; authors: number },
): Promise<void> {
  const at = new Date().toISOString();
  await putIssue(
    client,
    names,
    {
      id: issue.id,
      title: issue.title,
      terms: issue.terms,
      status: 'rising',
      count: issue.count,
      windowCount: issue.count,
      baseline: 0,
      score: 3,
      growth: issue.count,
      hoaxShare: issue.hoaxShare,
      distinctAuthors: issue.authors,
      coordinated: false,
      watchlistIds: [],
      samplePostIds: [],
      firstSeen: at,
      lastSeen: at,
      updatedAt: at,
      timeline: [],
    },
    true,
  );
}

/** An agency created by the operator; answers its API key. */
export async function createAgency(app: FastifyInstance, adminKey: string, name: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/agencies',
    headers: { authorization: `Bearer ${adminKey}` },
    payload: { name },
  });
  return res.json<{ apiKey: string }>().apiKey;
}
