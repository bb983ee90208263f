import { topicLabel } from '@pantau/core';
import type { AlertIssue, LocalizedText } from './types';

function minutes(ms: number): number {
  return Math.max(1, Math.round(ms / 60_000));
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** One-line alert text, Bahasa Indonesia first (`id`), English (`en`) alongside. */
export function risingSummary(
  issue: AlertIssue,
  version: number,
  topics: readonly string[] = [],
): LocalizedText {
  const m = minutes(issue.windowMs);
  const hoax = Math.round(issue.hoaxShare * 100);
  const idText =
    `${version > 1 ? 'Pembaruan: isu' : 'Isu'} "${issue.title}" sedang naik: ${issue.windowCount} unggahan dalam ${m} menit ` +
    `(biasanya ${round(issue.baseline)}).` +
    (hoax > 0 ? ` ${hoax}% berindikasi hoaks.` : '') +
    (topics.length > 0 ? ` Topik: ${topics.map((t) => topicLabel(t).id).join(', ')}.` : '');
  const enText =
    `${version > 1 ? 'Update: issue' : 'Issue'} "${issue.title}" is rising: ${issue.windowCount} posts in ${m} minutes ` +
    `(usually ${round(issue.baseline)}).` +
    (hoax > 0 ? ` ${hoax}% look like hoaxes.` : '') +
    (topics.length > 0 ? ` Topic: ${topics.map((t) => topicLabel(t).en).join(', ')}.` : '');
  return { id: idText, en: enText };
}
