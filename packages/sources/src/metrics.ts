/**
 * Per-source counters, kept in the process that polls: ready to be rendered by a /metrics endpoint
 * (Prometheus text: pantau_source_polls_total{source,kind,outcome}, …).
 */
export interface SourceCounters {
  polls: number;
  notModified: number;
  items: number;
  skipped: number;
  errors: number;
  /** Seconds between now and the newest item at the last successful poll. */
  lagSeconds: number | null;
}

export class SourceMetrics {
  private readonly counters = new Map<string, SourceCounters & { kind: string }>();

  private of(source: string, kind: string): SourceCounters & { kind: string } {
    let c = this.counters.get(source);
    if (!c) {
      c = { kind, polls: 0, notModified: 0, items: 0, skipped: 0, errors: 0, lagSeconds: null };
      this.counters.set(source, c);
    }
    return c;
  }

  poll(
    source: string,
    kind: string,
    outcome: { items: number; skipped: number; notModified: boolean; lagSeconds: number | null },
  ): void {
    const c = this.of(source, kind);
    c.polls += 1;
    c.items += outcome.items;
    c.skipped += outcome.skipped;
    if (outcome.notModified) c.notModified += 1;
    if (outcome.lagSeconds !== null) c.lagSeconds = outcome.lagSeconds;
  }

  error(source: string, kind: string): void {
    const c = this.of(source, kind);
    c.polls += 1;
    c.errors += 1;
  }

  snapshot(): Record<string, SourceCounters & { kind: string }> {
    return Object.fromEntries([...this.counters].map(([k, v]) => [k, { ...v }]));
  }

  /** Prometheus text exposition of the counters. */
  render(): string {
    const lines: string[] = [];
    const metric = (
      name: string,
      help: string,
      type: 'counter' | 'gauge',
      pick: (c: SourceCounters) => number | null,
    ) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [source, c] of this.counters) {
        const value = pick(c);
        if (value !== null) lines.push(`${name}{source="${source}",kind="${c.kind}"} ${value}`);
      }
    };
    metric('pantau_source_polls_total', 'Polls of a source.', 'counter', (c) => c.polls);
    metric('pantau_source_not_modified_total', 'Polls answered 304.', 'counter', (c) => c.notModified);
    metric(
      'pantau_source_items_total',
      'Items published to posts.raw or the factchecks index.',
      'counter',
      (c) => c.items,
    );
    metric('pantau_source_skipped_total', 'Malformed items skipped.', 'counter', (c) => c.skipped);
    metric('pantau_source_errors_total', 'Failed polls.', 'counter', (c) => c.errors);
    metric('pantau_source_lag_seconds', 'Now minus the newest item seen.', 'gauge', (c) => c.lagSeconds);
    return `${lines.join('\n')}\n`;
  }
}
