import { createToken, EmbeddedActionsParser, Lexer, type IToken, type TokenType } from 'chevrotain';
import { isTopicId, TOPIC_IDS } from '@pantau/core';
import { requiresPositiveTerm, topicKey, type QueryAst } from './ast';
import { QuerySyntaxError } from './errors';

// Limits keep one pasted blob from costing the API (or the recursive-descent parser's stack) much;
// real watchlists are a few dozen words.
export const MAX_QUERY_LENGTH = 4000;
export const MAX_NESTING_DEPTH = 32;

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
const Phrase = createToken({ name: 'Phrase', pattern: /"[^"]*"/, label: 'a "quoted phrase"' });
// Matches only when Phrase did not, i.e. the quote is never closed; lexed as a token (not left as a lexer
// error) so the message can point at the opening quote.
const OpenQuote = createToken({ name: 'OpenQuote', pattern: /"[^"]*/ });
const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });
// A word may contain '-' (anak-anak, covid-19) but not start with it: a leading '-' is the NOT shorthand.
const Word = createToken({ name: 'Word', pattern: /[^\s()"-][^\s()"]*/, label: 'a keyword' });
// longer_alt makes "ORANG", "andalan" or "nothing" plain words rather than an operator plus a word.
const And = createToken({ name: 'And', pattern: /and/i, longer_alt: Word, label: 'AND' });
const Or = createToken({ name: 'Or', pattern: /or/i, longer_alt: Word, label: 'OR' });
const Not = createToken({ name: 'Not', pattern: /not/i, longer_alt: Word, label: 'NOT' });

const allTokens: TokenType[] = [WhiteSpace, LParen, RParen, Phrase, OpenQuote, Minus, And, Or, Not, Word];
const queryLexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  // Word is a complement set, which chevrotain cannot index by first character; queries are short, so the
  // plain scan costs nothing and safeMode keeps chevrotain from warning about it on every start.
  safeMode: true,
});

function and(children: QueryAst[]): QueryAst {
  // Flattening keeps ASTs canonical: `a (b c)` and `a b c` mean the same and index the same way.
  const flat = children.flatMap((c) => (c.type === 'and' ? c.children : [c]));
  return flat.length === 1 ? flat[0]! : { type: 'and', children: flat };
}

function or(children: QueryAst[]): QueryAst {
  const flat = children.flatMap((c) => (c.type === 'or' ? c.children : [c]));
  return flat.length === 1 ? flat[0]! : { type: 'or', children: flat };
}

function not(child: QueryAst): QueryAst {
  return child.type === 'not' ? child.child : { type: 'not', child };
}

/** Grammar, lowest precedence first: or := and (OR and)*; and := unary (AND? unary)*; unary := (NOT|-) unary | primary. */
class QueryParser extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  query = this.RULE('query', (): QueryAst => this.SUBRULE(this.orExpr));

  private orExpr = this.RULE('orExpr', (): QueryAst => {
    const children: QueryAst[] = [this.SUBRULE(this.andExpr)];
    this.MANY(() => {
      this.CONSUME(Or);
      children.push(this.SUBRULE2(this.andExpr));
    });
    return this.ACTION(() => or(children));
  });

  private andExpr = this.RULE('andExpr', (): QueryAst => {
    const children: QueryAst[] = [this.SUBRULE(this.unary)];
    // Adjacent terms are an implicit AND, as in every search box the admins already know.
    this.MANY(() => {
      this.OPTION(() => this.CONSUME(And));
      children.push(this.SUBRULE2(this.unary));
    });
    return this.ACTION(() => and(children));
  });

  private unary = this.RULE('unary', (): QueryAst =>
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(Not) }, { ALT: () => this.CONSUME(Minus) }]);
          const child = this.SUBRULE(this.unary);
          return this.ACTION(() => not(child));
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]),
  );

  private primary = this.RULE('primary', (): QueryAst =>
    this.OR([
      {
        ALT: () => {
          const tok = this.CONSUME(Word);
          return { type: 'term' as const, value: tok.image };
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(Phrase);
          return this.ACTION(() => ({ type: 'phrase' as const, words: phraseWords(tok) }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          const inner = this.SUBRULE(this.orExpr);
          this.CONSUME(RParen);
          return inner;
        },
      },
    ]),
  );
}

function phraseWords(tok: IToken): string[] {
  const words = tok.image.slice(1, -1).split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    fail(
      tok.startOffset,
      'empty phrase: a pair of quotes needs at least one word',
      'Frasa kosong: tanda kutip harus berisi minimal satu kata.',
    );
  }
  return words;
}

// Chevrotain's self-analysis is the expensive part, so one parser is built at load and reused; parsing is
// synchronous, so sharing it between callers is safe.
const parser = new QueryParser();

function fail(position: number, message: string, messageId: string): never {
  throw new QuerySyntaxError(`${message} (at position ${position})`, position, messageId);
}

const OPERATORS = new Set<TokenType>([And, Or, Not, Minus]);

function show(tok: IToken): string {
  return tok.tokenType === Phrase ? tok.image : `'${tok.image}'`;
}

/** Checks the things a token stream can tell on its own, so the messages name the real culprit. */
function checkTokens(tokens: IToken[]): void {
  const open: IToken[] = [];
  for (const [i, tok] of tokens.entries()) {
    const next = tokens[i + 1];
    if (tok.tokenType === OpenQuote) {
      fail(
        tok.startOffset,
        'unbalanced quotes: this quote is never closed',
        'Tanda kutip tidak seimbang: tanda kutip ini tidak pernah ditutup.',
      );
    }
    if (tok.tokenType === Minus && (next === undefined || next.startOffset !== tok.startOffset + 1)) {
      fail(
        tok.startOffset,
        "'-' must be written directly before a word, as in -klarifikasi",
        "Tanda '-' harus menempel pada kata, misalnya -klarifikasi.",
      );
    }
    if (tok.tokenType === LParen) {
      open.push(tok);
      if (open.length > MAX_NESTING_DEPTH) {
        fail(
          tok.startOffset,
          `parentheses nested deeper than ${MAX_NESTING_DEPTH} levels`,
          `Tanda kurung bersarang lebih dari ${MAX_NESTING_DEPTH} tingkat.`,
        );
      }
      if (next?.tokenType === RParen) {
        fail(tok.startOffset, 'empty parentheses', 'Tanda kurung kosong.');
      }
    } else if (tok.tokenType === RParen && open.pop() === undefined) {
      fail(
        tok.startOffset,
        "unbalanced parentheses: ')' has no matching '('",
        "Tanda kurung tidak seimbang: ')' tidak punya pasangan '('.",
      );
    }
    if (
      OPERATORS.has(tok.tokenType) &&
      (next === undefined || next.tokenType === RParen || next.tokenType === And || next.tokenType === Or)
    ) {
      fail(
        tok.startOffset,
        `dangling operator ${show(tok)}: nothing to apply it to on its right`,
        `Operator ${show(tok)} menggantung: tidak ada kata kunci di sebelah kanannya.`,
      );
    }
    const prev = tokens[i - 1];
    if (
      (tok.tokenType === And || tok.tokenType === Or) &&
      (prev === undefined || prev.tokenType === LParen || prev.tokenType === Not || prev.tokenType === Minus)
    ) {
      fail(
        tok.startOffset,
        `dangling operator ${show(tok)}: nothing on its left`,
        `Operator ${show(tok)} menggantung: tidak ada kata kunci di sebelah kirinya.`,
      );
    }
  }
  const unclosed = open[0];
  if (unclosed !== undefined) {
    fail(
      unclosed.startOffset,
      "unbalanced parentheses: this '(' is never closed",
      "Tanda kurung tidak seimbang: '(' ini tidak pernah ditutup.",
    );
  }
}

/**
 * Parses watchlist query text into an AST.
 *
 * @throws QuerySyntaxError for an empty query, unbalanced parentheses or quotes, a dangling operator, or a
 *   query that could match posts containing none of its positive terms (e.g. only NOT terms).
 */
export function parseQuery(source: string): QueryAst {
  if (source.length > MAX_QUERY_LENGTH) {
    fail(
      MAX_QUERY_LENGTH,
      `query is longer than ${MAX_QUERY_LENGTH} characters`,
      `Kueri lebih panjang dari ${MAX_QUERY_LENGTH} karakter.`,
    );
  }
  const lexed = queryLexer.tokenize(source);
  const lexError = lexed.errors[0];
  if (lexError !== undefined) {
    // Every character is covered by some token pattern, so this is only a safety net.
    fail(
      lexError.offset,
      `unexpected character '${source[lexError.offset] ?? ''}'`,
      `Karakter tidak dikenal '${source[lexError.offset] ?? ''}'.`,
    );
  }
  const tokens = lexed.tokens;
  if (tokens.length === 0) {
    fail(
      0,
      'empty query: write at least one keyword, "phrase" or #hashtag',
      'Kueri kosong: tulis minimal satu kata kunci, "frasa", atau #tagar.',
    );
  }
  checkTokens(tokens);

  parser.input = tokens;
  const ast = parser.query();
  const parseError = parser.errors[0];
  if (parseError !== undefined) {
    // checkTokens catches the common mistakes with better wording; this covers whatever remains.
    const tok = parseError.token;
    const position = Number.isNaN(tok.startOffset) ? source.length : tok.startOffset;
    const found = tok.tokenType.name === 'EOF' ? 'end of query' : show(tok);
    fail(
      position,
      `unexpected ${found}`,
      `Tidak terduga: ${found === 'end of query' ? 'akhir kueri' : found}.`,
    );
  }

  checkTopics(ast, source);
  if (!requiresPositiveTerm(ast)) {
    const onlyNot = ast.type === 'not' || (ast.type === 'and' && ast.children.every((c) => c.type === 'not'));
    if (onlyNot) {
      fail(
        0,
        'query has only NOT terms, so it would match almost every post; add at least one keyword to look for',
        'Kueri hanya berisi NOT sehingga akan cocok dengan hampir semua unggahan; tambahkan minimal satu kata kunci yang dicari.',
      );
    }
    const orTok = tokens.find((t) => t.tokenType === Or);
    fail(
      orTok?.startOffset ?? 0,
      'every OR alternative needs a keyword to look for; an alternative made only of NOT terms would match almost every post',
      'Setiap pilihan OR harus berisi kata kunci yang dicari; pilihan yang hanya berisi NOT akan cocok dengan hampir semua unggahan.',
    );
  }
  return ast;
}

/** `topic:<id>` must name a topic of the taxonomy; a typo would otherwise silently match nothing. */
function checkTopics(ast: QueryAst, source: string): void {
  switch (ast.type) {
    case 'term': {
      const topic = topicKey(ast);
      if (topic !== undefined && !isTopicId(topic)) {
        const at = source.toLowerCase().indexOf(ast.value.toLowerCase());
        fail(
          Math.max(0, at),
          `unknown topic "${topic}": use one of ${TOPIC_IDS.join(', ')}`,
          `Topik "${topic}" tidak dikenal: gunakan salah satu dari ${TOPIC_IDS.join(', ')}.`,
        );
      }
      return;
    }
    case 'phrase':
      return;
    case 'not':
      return checkTopics(ast.child, source);
    case 'and':
    case 'or':
      for (const child of ast.children) checkTopics(child, source);
  }
}
