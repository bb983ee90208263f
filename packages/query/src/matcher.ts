import { hashtagKey, topicKey, type QueryAst } from './ast';

/** What the matcher needs from an enriched post; the scorer builds it once per post. */
export interface MatchDoc {
  /** Normalised terms of the post (any order). */
  terms: ReadonlySet<string>;
  /** Normalised tokens in text order, for phrases. */
  tokens: readonly string[];
  /** Hashtags, lower-cased and without '#'. */
  hashtags: ReadonlySet<string>;
  /** Topic ids the post carries (above their thresholds), for `topic:<id>`. */
  topics?: ReadonlySet<string>;
}

/**
 * Turns one query word into the normalised words a post would contain for it. The scorer passes the
 * `@pantau/nlp-id` normaliser/stemmer it uses for posts, so "divaksin" in a query meets "vaksin" in a post.
 * Returning [] (e.g. for a stopword) makes the term match nothing, as OpenSearch does for a match query
 * whose words the analyzer drops.
 */
export type NormalizeTerm = (raw: string) => string[];

/**
 * A stand-in normaliser for tests and tools without the NLP package: NFKC, lower case, split on anything
 * that is not a letter, digit or '_' (so '#' and '@' fall away). No stemming, no slang.
 */
export const basicNormalizeTerm: NormalizeTerm = (raw) =>
  raw
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w.length > 0);

/**
 * A document view with lookups built at most once per post, shared by every watchlist evaluated on it.
 * @internal
 */
export class PreparedDoc {
  private tokenSet: Set<string> | undefined;
  private positions: Map<string, number[]> | undefined;

  constructor(readonly doc: MatchDoc) {}

  hasWord(word: string): boolean {
    if (this.doc.terms.has(word)) return true;
    this.tokenSet ??= new Set(this.doc.tokens);
    return this.tokenSet.has(word);
  }

  /** Where each token occurs, so a phrase jumps straight to its first word's occurrences. */
  positionsOf(word: string): readonly number[] | undefined {
    if (this.positions === undefined) {
      this.positions = new Map();
      this.doc.tokens.forEach((tok, i) => {
        const list = this.positions!.get(tok);
        if (list === undefined) this.positions!.set(tok, [i]);
        else list.push(i);
      });
    }
    return this.positions.get(word);
  }
}

// Callers usually run many matchers over the same post; sharing its lookups across them is what keeps
// evaluating every watchlist affordable. Weak, so a post's lookups die with the post.
const preparedDocs = new WeakMap<MatchDoc, PreparedDoc>();

/** @internal */
export function prepare(doc: MatchDoc): PreparedDoc {
  let prepared = preparedDocs.get(doc);
  if (prepared === undefined) preparedDocs.set(doc, (prepared = new PreparedDoc(doc)));
  return prepared;
}

/** @internal */
export type PreparedMatcher = (doc: PreparedDoc) => boolean;

const never: PreparedMatcher = () => false;

/**
 * Compiles an AST into closures over pre-normalised words, so the query's words are normalised once per
 * watchlist rather than once per post.
 * @internal
 */
export function compilePrepared(ast: QueryAst, normalizeTerm: NormalizeTerm): PreparedMatcher {
  switch (ast.type) {
    case 'term': {
      const tag = hashtagKey(ast);
      if (tag !== undefined) return (d) => d.doc.hashtags.has(tag);
      const topic = topicKey(ast);
      if (topic !== undefined) return (d) => d.doc.topics?.has(topic) === true;
      const words = normalizeTerm(ast.value);
      if (words.length === 0) return never;
      if (words.length === 1) {
        const w = words[0]!;
        return (d) => d.hasWord(w);
      }
      return (d) => words.every((w) => d.hasWord(w));
    }
    case 'phrase': {
      const words = ast.words.flatMap(normalizeTerm);
      const first = words[0];
      if (first === undefined) return never;
      return (d) => {
        const starts = d.positionsOf(first);
        if (starts === undefined) return false;
        const tokens = d.doc.tokens;
        return starts.some((start) => words.every((w, k) => tokens[start + k] === w));
      };
    }
    case 'not': {
      const child = compilePrepared(ast.child, normalizeTerm);
      return (d) => !child(d);
    }
    case 'and': {
      // Positive children first: they are the ones likely to fail, so NOTs run only on real candidates.
      const ordered = [...ast.children].sort((a, b) => Number(a.type === 'not') - Number(b.type === 'not'));
      const children = ordered.map((c) => compilePrepared(c, normalizeTerm));
      return (d) => children.every((c) => c(d));
    }
    case 'or': {
      const children = ast.children.map((c) => compilePrepared(c, normalizeTerm));
      return (d) => children.some((c) => c(d));
    }
  }
}

/**
 * Compiles a watchlist AST into a predicate over posts, for the live stream. Terms match when all their
 * normalised words are among the post's terms (or tokens); phrases when their normalised words appear
 * consecutively in `tokens`; `#hashtags` against `hashtags` (lower-cased, without '#').
 */
export function compileMatcher(ast: QueryAst, normalizeTerm: NormalizeTerm): (doc: MatchDoc) => boolean {
  const matcher = compilePrepared(ast, normalizeTerm);
  return (doc) => matcher(prepare(doc));
}
