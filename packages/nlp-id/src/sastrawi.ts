/**
 * The Sastrawi stemming algorithm exactly as natural implements it (natural/lib/natural/stemmers/
 * indonesian, MIT, © 2017 Alif Bhaskoro, Andy Librian, R. Kukuh; itself reimplemented from
 * github.com/sastrawi/sastrawi), rewritten only for speed: same rules, same order, same quirks.
 *
 * Why a port and not the library: stemming a word the cache has not seen cost ~57 µs in natural — every
 * prefix rule built an array of closures and matched its regex, and results were passed through
 * properties of the global object — and a scorer meeting new text stems thousands of new words a
 * second: on never-seen posts it was the largest share of enrichment. Here each prefix rule is tried
 * only when the word starts with the prefix its regex is anchored on, the rules and regexes are built
 * once, and the state lives on the instance.
 *
 * The output is checked against natural's own stemmer word for word (test/sastrawi.test.ts on a sample,
 * `npm run bench -- nlp` on ~230,000 words), quirks included (rules 3 and 5 are not anchored at the
 * word's start; a reduplicated word's two halves share one removal list): every model and threshold in
 * the project was fitted on natural's output.
 */

type AffixType = 'DP' | 'DS' | 'PP' | 'P';

interface Removal {
  originalWord: string;
  result: string;
  removedPart: string;
  affixType: AffixType;
}

/** A rule's answer: the word after it, and what it removed (undefined: nothing). */
interface RuleResult {
  currentWord: string;
  removal: Removal | undefined;
}

/** One prefix disambiguation candidate: the stripped word, or undefined when it does not apply. */
type Candidate = (word: string) => string | undefined;

interface PrefixRule {
  /**
   * The literal every candidate's regex is anchored on: a word without it cannot match, so the rule is
   * skipped (natural ran every rule on every word). Empty: always tried.
   */
  prefix: string;
  candidates: readonly Candidate[];
}

const CONSONANT = 'bcdfghjklmnpqrstvwxyz';

function capture(re: RegExp, build: (m: RegExpExecArray) => string | undefined): Candidate {
  return (word) => {
    const m = re.exec(word);
    return m ? build(m) : undefined;
  };
}

const ER_START = /^er(.*)$/;
const peL = capture(/^pe(l[aiueo])(.*)/, (m) => m[1]! + m[2]!);

/** Rules 1–42 of natural's prefix_rules.js, in its order (there is no 22 or 33 there either). */
const DISAMBIGUATORS: readonly PrefixRule[] = [
  {
    prefix: 'ber',
    candidates: [capture(/^ber([aiueo].*)$/, (m) => m[1]), capture(/^ber([aiueo].*)$/, (m) => 'r' + m[1])],
  },
  {
    prefix: 'ber',
    candidates: [
      capture(/^ber([bcdfghjklmnpqrstvwxyz])([a-z])(.*)/, (m) =>
        ER_START.test(m[3]!) ? undefined : m[1]! + m[2]! + m[3]!,
      ),
    ],
  },
  // Rule 3 is not anchored in natural: "ber" anywhere in the word.
  {
    prefix: '',
    candidates: [
      capture(/ber([bcdfghjklmnpqrstvwxyz])([a-z])er([aiueo])(.*)/, (m) =>
        m[1] === 'r' ? undefined : m[1]! + m[2]! + 'er' + m[3]! + m[4]!,
      ),
    ],
  },
  { prefix: 'belajar', candidates: [(word) => (word === 'belajar' ? 'ajar' : undefined)] },
  // Rule 5 is not anchored either.
  {
    prefix: '',
    candidates: [
      capture(/be([bcdfghjklmnpqstvwxyz])(er[bcdfghjklmnpqrstvwxyz])(.*)$/, (m) => m[1]! + m[2]! + m[3]!),
    ],
  },
  {
    prefix: 'ter',
    candidates: [capture(/^ter([aiueo].*)$/, (m) => m[1]), capture(/^ter([aiueo].*)$/, (m) => 'r' + m[1])],
  },
  {
    prefix: 'ter',
    candidates: [
      capture(/^ter([bcdfghjklmnpqrstvwxyz])er([aiueo].*)$/, (m) =>
        m[1] === 'r' ? undefined : m[1]! + 'er' + m[2]!,
      ),
    ],
  },
  {
    prefix: 'ter',
    candidates: [
      capture(/^ter([bcdfghjklmnpqrstvwxyz])(.*)$/, (m) =>
        m[1] === 'r' || ER_START.test(m[2]!) ? undefined : m[1]! + m[2]!,
      ),
    ],
  },
  {
    prefix: 'te',
    candidates: [
      capture(/^te([bcdfghjklmnpqrstvwxyz])er([bcdfghjklmnpqrstvwxyz])(.*)$/, (m) =>
        m[1] === 'r' ? undefined : m[1]! + 'er' + m[2]! + m[3]!,
      ),
    ],
  },
  { prefix: 'me', candidates: [capture(/^me([lrwy])([aiueo])(.*)$/, (m) => m[1]! + m[2]! + m[3]!)] },
  { prefix: 'mem', candidates: [capture(/^mem([bfv])(.*)$/, (m) => m[1]! + m[2]!)] },
  { prefix: 'mempe', candidates: [capture(/^mempe(.*)$/, (m) => 'pe' + m[1]!)] },
  {
    prefix: 'mem',
    candidates: [
      capture(/^mem([aiueo])(.*)$/, (m) => 'm' + m[1]! + m[2]!),
      capture(/^mem([aiueo])(.*)$/, (m) => 'p' + m[1]! + m[2]!),
    ],
  },
  { prefix: 'men', candidates: [capture(/^men([cdjstz])(.*)$/, (m) => m[1]! + m[2]!)] },
  {
    prefix: 'men',
    candidates: [
      capture(/^men([aiueo])(.*)$/, (m) => 'n' + m[1]! + m[2]!),
      capture(/^men([aiueo])(.*)$/, (m) => 't' + m[1]! + m[2]!),
    ],
  },
  // natural's class is [g|h|q|k]: it also takes a "|", kept as is.
  { prefix: 'meng', candidates: [capture(/^meng([g|h|q|k])(.*)$/, (m) => m[1]! + m[2]!)] },
  {
    prefix: 'meng',
    candidates: [
      capture(/^meng([aiueo])(.*)$/, (m) => m[1]! + m[2]!),
      capture(/^meng([aiueo])(.*)$/, (m) => 'k' + m[1]! + m[2]!),
      capture(/^menge(.*)$/, (m) => m[1]),
      capture(/^meng([aiueo])(.*)$/, (m) => 'ng' + m[1]! + m[2]!),
    ],
  },
  {
    prefix: 'meny',
    candidates: [
      capture(/^meny([aiueo])(.*)$/, (m) => 'ny' + m[1]! + m[2]!),
      capture(/^meny([aiueo])(.*)$/, (m) => 's' + m[1]! + m[2]!),
    ],
  },
  {
    prefix: 'memp',
    candidates: [capture(/^memp([abcdfghijklmopqrstuvwxyz])(.*)$/, (m) => 'p' + m[1]! + m[2]!)],
  },
  { prefix: 'pe', candidates: [capture(/^pe([wy])([aiueo])(.*)$/, (m) => m[1]! + m[2]! + m[3]!)] },
  {
    prefix: 'pe',
    candidates: [
      capture(/^per([aiueo])(.*)$/, (m) => m[1]! + m[2]!),
      capture(/^pe(r[aiueo])(.*)$/, (m) => m[1]! + m[2]!),
    ],
  },
  {
    prefix: 'per',
    candidates: [
      capture(/^per([bcdfghjklmnpqrstvwxyz])([a-z])(.*)$/, (m) =>
        ER_START.test(m[3]!) ? undefined : m[1]! + m[2]! + m[3]!,
      ),
    ],
  },
  {
    prefix: 'per',
    candidates: [
      capture(/^per([bcdfghjklmnpqrstvwxyz])([a-z])er([aiueo])(.*)$/, (m) =>
        m[1] === 'r' ? undefined : m[1]! + m[2]! + 'er' + m[3]! + m[4]!,
      ),
    ],
  },
  { prefix: 'pem', candidates: [capture(/^pem([bfv])(.*)$/, (m) => m[1]! + m[2]!)] },
  {
    prefix: 'pem',
    candidates: [
      capture(/^pem([aiueo])(.*)$/, (m) => 'm' + m[1]! + m[2]!),
      capture(/^pem([aiueo])(.*)$/, (m) => 'p' + m[1]! + m[2]!),
    ],
  },
  { prefix: 'pen', candidates: [capture(/^pen([cdjstz])(.*)$/, (m) => m[1]! + m[2]!)] },
  {
    prefix: 'pen',
    candidates: [
      capture(/^pen([aiueo])(.*)$/, (m) => 'n' + m[1]! + m[2]!),
      capture(/^pen([aiueo])(.*)$/, (m) => 't' + m[1]! + m[2]!),
    ],
  },
  { prefix: 'peng', candidates: [capture(/^peng([bcdfghjklmnpqrstvwxyz])(.*)$/, (m) => m[1]! + m[2]!)] },
  {
    prefix: 'peng',
    candidates: [
      capture(/^peng([aiueo])(.*)$/, (m) => m[1]! + m[2]!),
      capture(/^peng([aiueo])(.*)$/, (m) => 'k' + m[1]! + m[2]!),
      capture(/^penge(.*)$/, (m) => m[1]),
    ],
  },
  {
    prefix: 'peny',
    candidates: [
      capture(/^peny([aiueo])(.*)$/, (m) => 'ny' + m[1]! + m[2]!),
      capture(/^peny([aiueo])(.*)$/, (m) => 's' + m[1]! + m[2]!),
    ],
  },
  {
    prefix: 'pe',
    candidates: [(word) => (word === 'pelajar' ? 'ajar' : peL(word))],
  },
  {
    prefix: 'pe',
    candidates: [
      capture(/^pe([bcdfghjklmnpqrstvwxyz])(.*)$/, (m) => (ER_START.test(m[2]!) ? undefined : m[1]! + m[2]!)),
    ],
  },
  {
    prefix: 'ter',
    candidates: [
      capture(/^ter([bcdfghjkpqstvxz])(er[bcdfghjklmnpqrstvwxyz])(.*)$/, (m) => m[1]! + m[2]! + m[3]!),
    ],
  },
  {
    prefix: 'pe',
    candidates: [
      capture(/^pe([bcdfghjkpqstvxz])(er[bcdfghjklmnpqrstvwxyz])(.*)$/, (m) => m[1]! + m[2]! + m[3]!),
    ],
  },
  // Rules 37–40 (infixes -er-, -el-, -em-, -in-) start with any consonant: always tried.
  ...(['er', 'el', 'em', 'in'] as const).map((infix): PrefixRule => ({
    prefix: '',
    candidates: [
      capture(new RegExp(`^([${CONSONANT}])(${infix}[aiueo])(.*)$`), (m) => m[1]! + m[2]! + m[3]!),
      capture(new RegExp(`^([${CONSONANT}])${infix}([aiueo])(.*)$`), (m) => m[1]! + m[2]! + m[3]!),
    ],
  })),
  { prefix: 'ku', candidates: [capture(/^ku(.*)$/, (m) => m[1])] },
  { prefix: 'kau', candidates: [capture(/^kau(.*)$/, (m) => m[1])] },
];

const PLAIN_PREFIX = /^(di|ke|se)/;

/** The inflectional and derivational suffix rules, in natural's order. */
const SUFFIX_RULES: readonly { pattern: RegExp; type: AffixType }[] = [
  { pattern: /-*(lah|kah|tah|pun)$/, type: 'P' },
  { pattern: /-*(ku|mu|nya)$/, type: 'PP' },
  { pattern: /(is|isme|isasi|i|kan|an)$/, type: 'DS' },
];

const PRECEDENCE_ADJUSTMENT = [
  /^be(.*)lah$/,
  /^be(.*)an$/,
  /^me(.*)i$/,
  /^di(.*)i$/,
  /^pe(.*)i$/,
  /^ter(.*)i$/,
];
const PLURAL_PARTICLE = /^(.*)-(ku|mu|nya|lah|kah|tah|pun)$/;
const TWO_PARTS = /^(.*)-(.*)$/;
const PARTICLES = ['ku', 'mu', 'nya', 'lah', 'kah', 'tah', 'pun'];

// natural builds removedPart with word.replace(result, ''): the first occurrence of the result, wherever it
// is (kept: the loop below reads it for "kan").
const removalOf = (word: string, result: string, affixType: AffixType): Removal => ({
  originalWord: word,
  result,
  removedPart: word.replace(result, ''),
  affixType,
});

export class SastrawiStemmer {
  private removals: Removal[] = [];
  private originalWord = '';
  private currentWord = '';

  /** `dictionary`: the root words (a word found there is not stemmed further). */
  constructor(private readonly dictionary: ReadonlySet<string>) {}

  stem(token: string): string {
    const word = token.toLowerCase();
    this.removals = [];
    return this.isPlural(word) ? this.stemPluralWord(word) : this.stemSingularWord(word);
  }

  private find(word: string | undefined): boolean {
    return word !== undefined && this.dictionary.has(word);
  }

  private isPlural(token: string): boolean {
    const m = PLURAL_PARTICLE.exec(token);
    if (m) return m[1]!.includes('-');
    return token.includes('-');
  }

  private stemPluralWord(pluralWord: string): string {
    let m = TWO_PARTS.exec(pluralWord);
    if (!m) return pluralWord;
    const words = [m[1]!, m[2]!];
    // malaikat-malaikat-nya -> malaikat malaikat-nya
    const suffix = words[1]!;
    m = TWO_PARTS.exec(words[0]!);
    if (PARTICLES.includes(suffix) && m) {
      words[0] = m[1]!;
      words[1] = m[2]! + '-' + suffix;
    }
    // berbalas-balasan -> balas (the two halves share this.removals, as in natural)
    const rootWord1 = this.stemSingularWord(words[0]!);
    let rootWord2 = this.stemSingularWord(words[1]!);
    // meniru-nirukan -> tiru
    if (!this.find(words[1]) && rootWord2 === words[1]) rootWord2 = this.stemSingularWord('me' + words[1]);
    return rootWord1 === rootWord2 ? rootWord1 : pluralWord;
  }

  private stemSingularWord(word: string): string {
    this.originalWord = word;
    this.currentWord = word;
    if (this.currentWord.length > 3) this.stemmingProcess();
    return this.find(this.currentWord) ? this.currentWord : this.originalWord;
  }

  private stemmingProcess(): void {
    if (this.find(this.currentWord)) return;
    // Confix stripping: prefixes before suffixes when the word calls for it.
    if (PRECEDENCE_ADJUSTMENT.some((re) => re.test(this.originalWord))) {
      this.removePrefixes();
      if (this.find(this.currentWord)) return;
      this.removeSuffixes();
      if (this.find(this.currentWord)) return;
      this.currentWord = this.originalWord;
      this.removals = [];
    }
    this.removeSuffixes();
    if (this.find(this.currentWord)) return;
    this.removePrefixes();
    if (this.find(this.currentWord)) return;
    this.loopRestorePrefixes();
  }

  private removeSuffixes(): void {
    for (const rule of SUFFIX_RULES) {
      const word = this.currentWord;
      const result = word.replace(rule.pattern, '');
      if (result !== word) this.removals.push(removalOf(word, result, rule.type));
      this.currentWord = result;
      if (this.find(this.currentWord)) return;
    }
  }

  private removePrefixes(): void {
    for (let i = 0; i < 3; i++) {
      this.checkPrefixRules();
      if (this.find(this.currentWord)) return;
    }
  }

  private checkPrefixRules(): void {
    const removalCount = this.removals.length;
    // Rule 0: plain prefixes di-, ke-, se-.
    {
      const word = this.currentWord;
      const result = word.replace(PLAIN_PREFIX, '');
      if (result !== word) this.removals.push(removalOf(word, result, 'DP'));
      this.currentWord = result;
      if (this.find(this.currentWord)) return;
      if (this.removals.length > removalCount) return;
    }
    for (const rule of DISAMBIGUATORS) {
      // A rule that cannot match leaves the word as it is (natural: currentWord = word, no removal).
      if (rule.prefix === '' || this.currentWord.startsWith(rule.prefix)) {
        const { currentWord, removal } = this.disambiguate(rule.candidates, this.currentWord);
        if (removal) this.removals.push(removal);
        this.currentWord = currentWord;
      }
      if (this.find(this.currentWord)) return;
      if (this.removals.length > removalCount) return;
    }
  }

  /** The last candidate tried wins, unless an earlier one gave a root word (natural's runDisambiguator). */
  private disambiguate(candidates: readonly Candidate[], word: string): RuleResult {
    let result: string | undefined;
    for (const candidate of candidates) {
      result = candidate(word);
      if (this.find(result)) break;
    }
    if (result === undefined) return { currentWord: word, removal: undefined };
    return { currentWord: result, removal: removalOf(word, result, 'DP') };
  }

  private loopRestorePrefixes(): void {
    this.restorePrefix();
    // natural reverses the list in place and walks the entries it had then (removals pushed below by
    // removePrefixes land after them and are not walked).
    const reversed = this.removals.reverse();
    const tempCurrentWord = this.currentWord;
    const count = reversed.length;
    for (let i = 0; i < count; i++) {
      const removal = reversed[i]!;
      if (removal.affixType === 'DP') continue;
      if (removal.removedPart === 'kan') {
        this.currentWord = removal.result + 'k';
        this.removePrefixes();
        if (this.find(this.currentWord)) return;
        this.currentWord = removal.result + 'kan';
      } else {
        this.currentWord = removal.originalWord;
      }
      this.removePrefixes();
      if (this.find(this.currentWord)) return;
      this.currentWord = tempCurrentWord;
    }
  }

  private restorePrefix(): void {
    for (const removal of this.removals) this.currentWord = removal.originalWord;
    this.removals = this.removals.filter((r) => r.affixType !== 'DP');
  }
}
