import { hashtagKey, topicKey, type QueryAst } from './ast';

export interface OpenSearchCompileOptions {
  /** Analysed full-text field (the `indonesian` analyzer: lower-casing, stopwords, stemming). */
  textField?: string;
  /** Keyword field holding the post's hashtags, lower-cased and without '#'. */
  hashtagField?: string;
  /** Keyword field holding the ids of the post's topics (`topic:<id>`). */
  topicField?: string;
}

/** An OpenSearch query DSL clause; kept loose because callers only embed it in a search body. */
export type OpenSearchQuery = Record<string, unknown>;

/**
 * Compiles a watchlist AST into an OpenSearch bool query for history and search. The text goes through the
 * index's own analyzer, so stemming and stopwords apply exactly as they did at indexing time; the live
 * matcher gets the same effect by being handed the same normaliser the scorer used.
 */
export function compileToOpenSearch(ast: QueryAst, opts: OpenSearchCompileOptions = {}): OpenSearchQuery {
  const textField = opts.textField ?? 'text';
  const hashtagField = opts.hashtagField ?? 'hashtags';
  const topicField = opts.topicField ?? 'topics.id';

  const compile = (node: QueryAst): OpenSearchQuery => {
    switch (node.type) {
      case 'term': {
        const tag = hashtagKey(node);
        if (tag !== undefined) return { term: { [hashtagField]: tag } };
        const topic = topicKey(node);
        if (topic !== undefined) return { term: { [topicField]: topic } };
        // operator 'and': a term the analyzer splits (covid-19, @kemenkes_ri) needs all its pieces, as in
        // the in-process matcher.
        return { match: { [textField]: { query: node.value, operator: 'and' } } };
      }
      case 'phrase':
        return { match_phrase: { [textField]: { query: node.words.join(' ') } } };
      case 'not':
        return { bool: { must_not: [compile(node.child)] } };
      case 'and': {
        const must: OpenSearchQuery[] = [];
        const mustNot: OpenSearchQuery[] = [];
        for (const child of node.children) {
          if (child.type === 'not') mustNot.push(compile(child.child));
          else must.push(compile(child));
        }
        const bool: Record<string, unknown> = {};
        if (must.length > 0) bool.must = must;
        if (mustNot.length > 0) bool.must_not = mustNot;
        return { bool };
      }
      case 'or':
        return { bool: { should: node.children.map(compile), minimum_should_match: 1 } };
    }
  };
  return compile(ast);
}
