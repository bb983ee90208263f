/** A single keyword, `#hashtag` or `@mention`, exactly as written (case kept; compilers normalise). */
export interface TermNode {
  type: 'term';
  value: string;
}

/** A "quoted phrase": its words must appear consecutively. */
export interface PhraseNode {
  type: 'phrase';
  words: string[];
}

export interface AndNode {
  type: 'and';
  children: QueryAst[];
}

export interface OrNode {
  type: 'or';
  children: QueryAst[];
}

export interface NotNode {
  type: 'not';
  child: QueryAst;
}

export type QueryAst = TermNode | PhraseNode | AndNode | OrNode | NotNode;

/**
 * A `#hashtag` term is matched against the post's extracted hashtags (a keyword field), not its text: the
 * `indonesian` analyzer would strip the '#', and `#TolakHoaks` must not match a post that merely says
 * "tolak hoaks". Returns the key hashtags are stored under (lower-cased, no '#'), or undefined.
 */
export function hashtagKey(term: TermNode): string | undefined {
  return term.value.length > 1 && term.value.startsWith('#') ? term.value.slice(1).toLowerCase() : undefined;
}

/** `topic:kesehatan` — a topic of the fixed taxonomy, matched against the post's topics, not its text. */
export const TOPIC_FIELD = 'topic:';

/** The topic id a `topic:<id>` term asks for (lower-cased), or undefined for any other term. */
export function topicKey(term: TermNode): string | undefined {
  const v = term.value;
  return v.length > TOPIC_FIELD.length && v.slice(0, TOPIC_FIELD.length).toLowerCase() === TOPIC_FIELD
    ? v.slice(TOPIC_FIELD.length).toLowerCase()
    : undefined;
}

/**
 * True when the query can only match a post that contains at least one of its positive terms. Queries
 * failing this (`NOT hoaks`, `vaksin OR -hoaks`) would match nearly every post, flood the alert engine and
 * cannot be indexed by term, so the parser and the watchlist index both reject them.
 */
export function requiresPositiveTerm(ast: QueryAst): boolean {
  switch (ast.type) {
    case 'term':
    case 'phrase':
      return true;
    case 'not':
      // NOT NOT x is x again; the parser already folds it, but hand-built ASTs may not.
      return ast.child.type === 'not' && requiresPositiveTerm(ast.child.child);
    case 'and':
      return ast.children.some(requiresPositiveTerm);
    case 'or':
      return ast.children.length > 0 && ast.children.every(requiresPositiveTerm);
  }
}

const OPERATOR_WORD = /^(and|or|not)$/i;
const NEEDS_QUOTES = /[\s()"]|^-/;

/**
 * Prints an AST back as query text that `parseQuery` reads into the same AST. Used to show admins the
 * canonical form of what they saved, and by the tests to round-trip generated queries.
 */
export function formatQuery(ast: QueryAst): string {
  return format(ast, 0);
}

// Precedence levels: 0 = OR context, 1 = AND context, 2 = NOT operand.
function format(ast: QueryAst, level: number): string {
  switch (ast.type) {
    case 'term':
      // A term that looks like an operator or contains syntax characters can only be written quoted.
      return OPERATOR_WORD.test(ast.value) || NEEDS_QUOTES.test(ast.value) ? `"${ast.value}"` : ast.value;
    case 'phrase':
      return `"${ast.words.join(' ')}"`;
    case 'not':
      return `NOT ${format(ast.child, 2)}`;
    case 'and': {
      const text = ast.children.map((c) => format(c, 1)).join(' AND ');
      return level > 1 ? `(${text})` : text;
    }
    case 'or': {
      const text = ast.children.map((c) => format(c, 0)).join(' OR ');
      return level > 0 ? `(${text})` : text;
    }
  }
}
