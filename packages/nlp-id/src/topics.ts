/**
 * The topic scorer: what a post is about, in the taxonomy agencies are organised by (topic-taxonomy.ts).
 *
 * One-vs-rest logistic regression per topic over two feature blocks:
 *  - the post's stemmed content terms (the enricher's `terms`: slang resolved, stemmed, stop words
 *    dropped), TF-IDF weighted and L2-normalised;
 *  - one lexicon feature per topic: how many of the project-written topic words and phrases
 *    (data/topic-lexicon.json, normalised and stemmed exactly like the text) the post contains.
 * The lexicon block is regularised much more weakly than the word block, so the learner leans on words
 * that mean the topic everywhere rather than on the style of the outlets that happen to fill a labelled
 * file (labelled sections confound topic and outlet; see the README). Each lexicon entry is also a
 * one-line training document (a weak label), and project-written seed posts (data/topic-seeds-id.csv)
 * are added to every training run, so topics missing from a labelled file (bencana, transportasi in the
 * CLICK-ID headlines) still exist and slang posts share words with the training data.
 *
 * Scores are calibrated per topic (Platt scaling fitted on a held-out fifth of the training rows), and a
 * post's topics are those at or above the topic's own threshold (chosen for F1 on that fifth). Every
 * score is explained by the words that pushed it up most. The model is plain JSON.
 */
import { seededRandom } from '@pantau/core';
import * as fs from 'node:fs';
import { minimizeLbfgs } from './model';
import { Normalizer, createNormalizer } from './normalize';
import { dataFile, readCsvRecords } from './resources';
import { TokenHashes, tokenHashes } from './hashing';
import { TOPIC_IDS, TopicId, isTopicId } from './topic-taxonomy';

export const TOPIC_MODEL_FORMAT = 'pantau-topics-logreg/1';
export const DEFAULT_TOPIC_MODEL_FILE = dataFile('topic-model.json');
export const DEFAULT_TOPIC_LEXICON_FILE = dataFile('topic-lexicon.json');
export const DEFAULT_TOPIC_SEEDS_FILE = dataFile('topic-seeds-id.csv');

export interface TopicRow {
  text: string;
  topic: TopicId;
}

export interface TopicFeatureOptions {
  /**
   * 'terms': stemmed content terms. 'tokens': every normalised token, unstemmed (the baseline).
   * 'both': terms, plus the unstemmed content words prefixed "=" (inflection kept where it means something).
   */
  units: 'terms' | 'tokens' | 'both';
  /** Add bigrams of consecutive units. */
  bigrams: boolean;
  /** Use the per-topic lexicon features. */
  lexicon: boolean;
}

export interface TopicModel {
  format: typeof TOPIC_MODEL_FORMAT;
  version: string;
  /** Column order of every weight array. */
  topics: TopicId[];
  features: TopicFeatureOptions;
  /** feature → [idf, weight for topics[0], weight for topics[1], …]. */
  vocabulary: Record<string, number[]>;
  /** Lexicon entries as stemmed term sequences joined by spaces, per topic. */
  lexicon: Partial<Record<TopicId, string[]>>;
  /** lexiconWeights[k][s]: weight of "hits of topic s's lexicon" in topic k's classifier. */
  lexiconWeights: number[][];
  bias: number[];
  /** Platt scaling per topic: p = σ(a·logit + b). */
  calibration: { a: number; b: number }[];
  /** Calibrated score at or above which a post is about the topic. */
  thresholds: number[];
  training: {
    rows: number;
    perTopic: Partial<Record<TopicId, number>>;
    C: number;
    lexiconC: number;
    seedWeight: number;
    lexiconRowWeight: number;
    /** α of the blend (1 − α)·main + α·prior expert (0 when trained without labelled rows). */
    priorWeight?: number;
    createdAt: string;
    sources: string[];
  };
}

export interface TopicTrainOptions {
  /** Inverse L2 regularisation of the word weights (scikit-learn's C). */
  C?: number;
  /** Inverse L2 regularisation of words no project-written row uses (default C). */
  labelledOnlyC?: number;
  /** Inverse L2 regularisation of the lexicon weights: larger = the lexicon may speak louder. */
  lexiconC?: number;
  /** Weight of a project-written seed row relative to a labelled row. */
  seedWeight?: number;
  /** Weight of a lexicon entry as a one-line training document (0 = none). */
  lexiconRowWeight?: number;
  /**
   * α: the model's logits are (1 − α)·main + α·prior, where the main expert is fitted on every row and
   * the prior expert on the project-written rows only (seeds, lexicon), over the same features, so the
   * labelled file's outlet style cannot outvote the project's topic words. Stored in the model file's
   * training block; the scorer sees one merged weight table.
   */
  priorWeight?: number;
  /** Add the shipped seed posts to the training rows (default true). */
  seeds?: boolean;
  features?: Partial<TopicFeatureOptions>;
  /** Share of rows held out to fit calibration and thresholds. */
  heldOut?: number;
  seed?: number;
  maxIterations?: number;
  version?: string;
  sources?: string[];
  lexiconFile?: string;
  seedsFile?: string;
  extraLexiconFiles?: string[];
}

/**
 * Chosen on a stratified split of the CLICK-ID headlines together with project-written social posts
 * (scripts/eval-topics.ts; README): a loose word block (C 30) over stems and unstemmed content words, and
 * lexicon weights held near zero (lexiconC 1) so the lexicon acts through its one-line documents and
 * word weights rather than one loud count.
 */
const DEFAULTS = {
  C: 30,
  lexiconC: 1,
  seedWeight: 3,
  lexiconRowWeight: 1,
  seeds: true,
  priorWeight: 0,
  heldOut: 0.2,
  seed: 42,
  maxIterations: 300,
  features: { units: 'both', bigrams: false, lexicon: true } as TopicFeatureOptions,
};

/** What the scorer needs from a text; the enricher already has both. */
export interface TopicInput {
  tokens: readonly string[];
  terms: readonly string[];
  /** tokens.map(tokenHashes), when the caller already has them (the enricher does). */
  hashes?: readonly { term: string }[];
}

export interface TopicScore {
  id: TopicId;
  /** Calibrated probability in [0,1]. */
  score: number;
  /** The words that pushed this score up most. */
  words: string[];
}

export interface TopicAssessment {
  /** Topics at or above their threshold, best first. */
  topics: TopicScore[];
  /** The best topic, even when below its threshold. */
  top: TopicScore;
  /** Every topic's calibrated score, in TOPIC_IDS order of model.topics. */
  scores: Record<TopicId, number>;
}

// ---------------------------------------------------------------------------------------- lexicon

export type TopicLexicon = Map<string, { topic: number; terms: string[]; text: string }[]>;

/** Reads the project-written lexicon ({topic: [word or phrase, …]}) as raw phrases. */
export function readTopicLexiconFile(file = DEFAULT_TOPIC_LEXICON_FILE): Partial<Record<TopicId, string[]>> {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const out: Partial<Record<TopicId, string[]>> = {};
  for (const [topic, words] of Object.entries(raw)) {
    if (topic.startsWith('_')) continue;
    if (!isTopicId(topic)) throw new Error(`${file}: unknown topic "${topic}"`);
    if (!Array.isArray(words) || words.some((w) => typeof w !== 'string'))
      throw new Error(`${file}: "${topic}" must be a list of words`);
    out[topic] = words as string[];
  }
  return out;
}

/** Normalises and stems lexicon phrases exactly like post text, dropping empty and duplicate entries. */
function stemLexicon(
  raw: Partial<Record<TopicId, string[]>>,
  normalizer: Normalizer,
): Partial<Record<TopicId, string[]>> {
  const out: Partial<Record<TopicId, string[]>> = {};
  for (const topic of TOPIC_IDS) {
    const seen = new Set<string>();
    for (const phrase of raw[topic] ?? []) {
      const terms = unitsOf(normalizer.normalize(phrase).tokens, 'terms');
      if (terms.length === 0) continue;
      seen.add(terms.join(' '));
    }
    out[topic] = [...seen];
  }
  return out;
}

function indexLexicon(topics: readonly TopicId[], lexicon: Partial<Record<TopicId, string[]>>): TopicLexicon {
  const index: TopicLexicon = new Map();
  topics.forEach((topic, k) => {
    for (const entry of lexicon[topic] ?? []) {
      const terms = entry.split(' ');
      const first = terms[0] as string;
      let list = index.get(first);
      if (!list) index.set(first, (list = []));
      list.push({ topic: k, terms, text: entry });
    }
  });
  return index;
}

// --------------------------------------------------------------------------------------- features

function unitsOf(tokens: readonly string[], units: 'terms' | 'tokens'): string[] {
  if (units === 'tokens') return tokens.filter((t) => t.length > 0);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const token of tokens) {
    const term = tokenHashes(token).term;
    if (term === '' || seen.has(term)) continue;
    seen.add(term);
    out.push(term);
  }
  return out;
}

interface Features {
  /** Feature names present in the text with their sublinear term frequency. */
  counts: Map<string, number>;
  /** Lexicon hits per topic column, and which entries hit. */
  hits: Float64Array;
  matched: { topic: number; text: string }[];
}

function extract(
  input: TopicInput,
  options: TopicFeatureOptions,
  lexicon: TopicLexicon | undefined,
  k: number,
): Features {
  const units = options.units === 'tokens' ? unitsOf(input.tokens, 'tokens') : input.terms;
  const counts = new Map<string, number>();
  if (options.units === 'both')
    for (const token of input.tokens) {
      if (tokenHashes(token).term === '') continue;
      const name = '=' + token;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  for (let i = 0; i < units.length; i++) {
    const u = units[i] as string;
    counts.set(u, (counts.get(u) ?? 0) + 1);
    if (options.bigrams && i + 1 < units.length) {
      const b = u + ' ' + (units[i + 1] as string);
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
  }
  const hits = new Float64Array(k);
  const matched: { topic: number; text: string }[] = [];
  if (lexicon && options.lexicon) {
    const terms = input.terms;
    for (let i = 0; i < terms.length; i++) {
      const entries = lexicon.get(terms[i] as string);
      if (!entries) continue;
      for (const entry of entries) {
        let ok = true;
        for (let j = 1; j < entry.terms.length && ok; j++) ok = terms[i + j] === entry.terms[j];
        if (!ok) continue;
        hits[entry.topic] = (hits[entry.topic] as number) + 1;
        matched.push({ topic: entry.topic, text: entry.text });
      }
    }
  }
  return { counts, hits, matched };
}

/** Lexicon hits → feature value: the first hit counts most. */
const lexValue = (hits: number): number => (hits > 0 ? Math.log1p(hits) : 0);

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

// ---------------------------------------------------------------------------------------- scoring

/**
 * Adds a word's contribution to an explanation (module level, not a closure per call: under tsx's
 * keepNames a named closure costs a defineProperty each time it is made, and this runs for every post).
 */
function addWord(found: { w: string; c: number }[], w: string, c: number): void {
  const same = found.find((e) => e.w === w);
  if (same) same.c += c;
  else found.push({ w, c });
}

/** A model ready to score: maps built once. */
export class TopicScorer {
  readonly model: TopicModel;
  private readonly vocab: Map<string, Float64Array>;
  /** Unstemmed words that have a feature ("=word" in the vocabulary), so unknown words build no string. */
  private readonly words: Set<string>;
  private readonly lexicon: TopicLexicon;
  private readonly k: number;

  constructor(model: TopicModel) {
    if (model.format !== TOPIC_MODEL_FORMAT)
      throw new Error(`unsupported topic model format "${String(model.format)}"`);
    this.model = model;
    this.k = model.topics.length;
    this.vocab = new Map(Object.entries(model.vocabulary).map(([f, v]) => [f, Float64Array.from(v)]));
    for (const [name, row] of this.vocab) {
      this.indexOf.set(name, this.rowsByIndex.length);
      this.rowsByIndex.push(row);
      this.namesByIndex.push(name.startsWith('=') ? name.slice(1) : name);
    }
    this.termStamp = new Float64Array(this.rowsByIndex.length);
    this.wordStamp = new Float64Array(this.rowsByIndex.length);
    this.wordCount = new Uint32Array(this.rowsByIndex.length);
    this.lexicon = indexLexicon(model.topics, model.lexicon);
    this.words = new Set([...this.vocab.keys()].filter((k) => k.startsWith('=')).map((k) => k.slice(1)));
    this.wordRows = new Map(
      [...this.vocab.entries()]
        .filter(([name]) => name.startsWith('='))
        .map(([name, row]) => [name.slice(1), row]),
    );
    this.fast = model.features.units !== 'tokens' && !model.features.bigrams;
    this.bias = Float64Array.from(model.bias);
    this.lexWeights = Float64Array.from(model.lexiconWeights.flat());
    this.acc = new Float64Array(this.k);
    this.hits = new Float64Array(this.k);
    this.z = new Float64Array(this.k);
    this.hitTopic = new Int32Array(this.k);
    this.hitValue = new Float64Array(this.k);
  }

  private readonly wordRows: Map<string, Float64Array>;
  private readonly fast: boolean;
  private readonly bias: Float64Array;
  /** lexiconWeights flattened: [t * k + s]. */
  private readonly lexWeights: Float64Array;
  // Scratch arrays of the hot path (one scorer per enricher, used synchronously).
  private readonly acc: Float64Array;
  private readonly hits: Float64Array;
  private readonly z: Float64Array;
  private readonly hitTopic: Int32Array;
  private readonly hitValue: Float64Array;
  private readonly wordCounts = new Map<string, number>();
  /** Feature name → index into rowsByIndex / namesByIndex (stems as they are, words as "=word"). */
  private readonly indexOf = new Map<string, number>();
  private readonly rowsByIndex: Float64Array[] = [];
  /** The name a feature is reported by: the stem, or the unstemmed word without its "=". */
  private readonly namesByIndex: string[] = [];
  private stamp = 0;
  private termStamp = new Float64Array(0);
  private wordStamp = new Float64Array(0);
  private wordCount = new Uint32Array(0);
  private readonly wordOrder: number[] = [];
  /** The features of the input fastScores scored last: name, value, row. */
  private readonly seenNames: string[] = [];
  private readonly seenX: number[] = [];
  private readonly seenRows: Float64Array[] = [];

  /**
   * Calls visit(name, x, row) for every known feature of the text (unnormalised TF-IDF value x) and
   * returns the squared norm. Hot path of the enricher: no strings or maps are built.
   */
  private eachFeature(
    input: TopicInput,
    visit: (name: string, x: number, row: Float64Array) => void,
  ): number {
    const hashes = input.hashes;
    if (
      hashes &&
      hashes.length === input.tokens.length &&
      hashes.length > 0 &&
      'word' in (hashes[0] as object)
    )
      return this.eachFeatureOfHashes(input.tokens, hashes as readonly TokenHashes[], visit);
    let norm = 0;
    for (const term of input.terms) {
      const row = this.vocab.get(term);
      if (!row) continue;
      const x = row[0] as number;
      norm += x * x;
      visit(term, x, row);
    }
    if (this.model.features.units === 'both') {
      // Unstemmed words with a feature, counted in first-seen order: a repeated word counts once, with
      // sublinear tf (as in training).
      const tokens = input.tokens;
      const counts = this.wordCounts;
      counts.clear();
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i] as string;
        const seen = counts.get(token);
        if (seen !== undefined) {
          counts.set(token, seen + 1);
          continue;
        }
        if (!this.wordRows.has(token) || (input.hashes?.[i] ?? tokenHashes(token)).term === '') continue;
        counts.set(token, 1);
      }
      for (const [token, count] of counts) {
        const row = this.wordRows.get(token) as Float64Array;
        const x = (count === 1 ? 1 : 1 + Math.log(count)) * (row[0] as number);
        norm += x * x;
        visit(token, x, row);
      }
    }
    return norm;
  }

  /**
   * eachFeature for the enricher's input (tokens with their cached TokenHashes, terms derived from
   * them): the same features in the same order, but each word's rows are looked up once per scorer and
   * kept on its cached TokenHashes, and repeats are found by stamping feature indices instead of maps.
   */
  private eachFeatureOfHashes(
    tokens: readonly string[],
    hashes: readonly TokenHashes[],
    visit: (name: string, x: number, row: Float64Array) => void,
  ): number {
    const mark = ++this.stamp;
    const words = this.model.features.units === 'both';
    const order = this.wordOrder;
    order.length = 0;
    let norm = 0;
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i] as TokenHashes;
      let slot = h.topicSlot;
      if (slot === undefined || slot.owner !== this) slot = h.topicSlot = this.slotOf(tokens[i] as string, h);
      const term = slot.term;
      if (term >= 0 && this.termStamp[term] !== mark) {
        // Content terms count once per post (binary tf), in first-seen order.
        this.termStamp[term] = mark;
        const row = this.rowsByIndex[term] as Float64Array;
        const x = row[0] as number;
        norm += x * x;
        visit(h.term, x, row);
      }
      const word = slot.word;
      if (!words || word < 0) continue;
      if (this.wordStamp[word] !== mark) {
        this.wordStamp[word] = mark;
        this.wordCount[word] = 1;
        order.push(word);
      } else this.wordCount[word] = (this.wordCount[word] as number) + 1;
    }
    for (const word of order) {
      const row = this.rowsByIndex[word] as Float64Array;
      const count = this.wordCount[word] as number;
      const x = (count === 1 ? 1 : 1 + Math.log(count)) * (row[0] as number);
      norm += x * x;
      visit(this.namesByIndex[word] as string, x, row);
    }
    return norm;
  }

  private slotOf(token: string, h: TokenHashes): { owner: object; term: number; word: number } {
    const term = h.term === '' ? -1 : (this.indexOf.get(h.term) ?? -1);
    const word = h.term === '' ? -1 : (this.indexOf.get('=' + token) ?? -1);
    return { owner: this, term, word };
  }

  /** Lexicon hits per topic into this.hits; calls onMatch for each entry that hits. */
  private lexiconHits(terms: readonly string[], onMatch?: (topic: number, text: string) => void): void {
    this.hits.fill(0);
    if (!this.model.features.lexicon) return;
    for (let i = 0; i < terms.length; i++) {
      const entries = this.lexicon.get(terms[i] as string);
      if (!entries) continue;
      for (const entry of entries) {
        let ok = true;
        for (let j = 1; j < entry.terms.length && ok; j++) ok = terms[i + j] === entry.terms[j];
        if (!ok) continue;
        this.hits[entry.topic] = (this.hits[entry.topic] as number) + 1;
        onMatch?.(entry.topic, entry.text);
      }
    }
  }

  /** Calibrated scores into this.z, the hot path; returns the squared norm of the word block. */
  private fastScores(input: TopicInput): number {
    const k = this.k;
    const acc = this.acc;
    acc.fill(0);
    // The features are kept for fastWords, which explains the chosen topics without a second pass.
    const seenNames = this.seenNames;
    const seenX = this.seenX;
    const seenRows = this.seenRows;
    seenNames.length = 0;
    seenX.length = 0;
    seenRows.length = 0;
    const norm = this.eachFeature(input, (name, x, row) => {
      seenNames.push(name);
      seenX.push(x);
      seenRows.push(row);
      for (let t = 0; t < k; t++) acc[t] = (acc[t] as number) + x * (row[t + 1] as number);
    });
    this.lexiconHits(input.terms);
    // Lexicon block: only the topics whose lexicon hit (usually none or one).
    let hitTopics = 0;
    for (let s = 0; s < k; s++) {
      const h = this.hits[s] as number;
      if (h > 0) {
        this.hitTopic[hitTopics] = s;
        this.hitValue[hitTopics++] = lexValue(h);
      }
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let t = 0; t < k; t++) {
      let z = (this.bias[t] as number) + (acc[t] as number) * scale;
      for (let q = 0; q < hitTopics; q++) {
        z += (this.hitValue[q] as number) * (this.lexWeights[t * k + (this.hitTopic[q] as number)] as number);
      }
      const c = this.model.calibration[t] as { a: number; b: number };
      this.z[t] = sigmoid(c.a * z + c.b);
    }
    return norm;
  }

  /** The words behind topic t's score (hot-path variant of explain). */
  private fastWords(input: TopicInput, t: number, norm: number, maxWords: number): string[] {
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const found: { w: string; c: number }[] = [];
    // The features fastScores just visited for this input (it always runs first).
    for (let i = 0; i < this.seenNames.length; i++) {
      const c = (this.seenX[i] as number) * scale * ((this.seenRows[i] as Float64Array)[t + 1] as number);
      if (c > 0) addWord(found, this.seenNames[i] as string, c);
    }
    const lexWeight = this.lexWeights[t * this.k + t] as number;
    if (lexWeight > 0) {
      const own: string[] = [];
      this.lexiconHits(input.terms, (topic, text) => {
        if (topic === t) own.push(text);
      });
      const share = (lexValue(own.length) * lexWeight) / Math.max(1, own.length);
      for (const text of own) addWord(found, text, share);
    }
    return found
      .sort((a, b) => b.c - a.c)
      .slice(0, maxWords)
      .map((e) => e.w);
  }

  /** Raw logits per topic column, plus the per-feature contributions needed for explanations. */
  private logits(input: TopicInput): {
    z: Float64Array;
    known: [string, number, Float64Array][];
    f: Features;
  } {
    const fast = this.model.features.units !== 'tokens' && !this.model.features.bigrams;
    // The hot path (the enricher's features): no feature strings are built, unstemmed words are
    // looked up in their own map. The general path serves the baseline's token bigrams.
    const f = fast
      ? extract(
          { tokens: [], terms: input.terms },
          { ...this.model.features, units: 'terms' },
          this.lexicon,
          this.k,
        )
      : extract(input, this.model.features, this.lexicon, this.k);
    if (fast && this.model.features.units === 'both')
      for (let i = 0; i < input.tokens.length; i++) {
        const token = input.tokens[i] as string;
        if (!this.words.has(token) || (input.hashes?.[i] ?? tokenHashes(token)).term === '') continue;
        const name = '=' + token;
        f.counts.set(name, (f.counts.get(name) ?? 0) + 1);
      }
    const z = Float64Array.from(this.model.bias);
    const known: [string, number, Float64Array][] = [];
    let norm = 0;
    for (const [name, count] of f.counts) {
      const row = this.vocab.get(name);
      if (!row) continue;
      const x = (1 + Math.log(count)) * (row[0] as number);
      norm += x * x;
      known.push([name, x, row]);
    }
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (const entry of known) {
        entry[1] *= scale;
        const x = entry[1];
        const row = entry[2];
        for (let t = 0; t < this.k; t++) z[t] = (z[t] as number) + x * (row[t + 1] as number);
      }
    }
    for (let s = 0; s < this.k; s++) {
      const v = lexValue(f.hits[s] as number);
      if (v === 0) continue;
      for (let t = 0; t < this.k; t++)
        z[t] = (z[t] as number) + v * (this.model.lexiconWeights[t]?.[s] as number);
    }
    return { z, known, f };
  }

  private explain(
    t: number,
    p: number,
    known: readonly [string, number, Float64Array][],
    f: Features,
    maxWords: number,
  ): TopicScore {
    const contributions = new Map<string, number>();
    for (const [name, x, row] of known) {
      const c = x * (row[t + 1] as number);
      // "=banjir" (the unstemmed word) and "banjir" (its stem) explain as one word.
      const word = name.startsWith('=') ? name.slice(1) : name;
      if (c > 0) contributions.set(word, (contributions.get(word) ?? 0) + c);
    }
    const lexWeight = this.model.lexiconWeights[t]?.[t] ?? 0;
    if (lexWeight > 0) {
      const own = f.matched.filter((m) => m.topic === t);
      const share = (lexValue(own.length) * lexWeight) / Math.max(1, own.length);
      for (const m of own) contributions.set(m.text, (contributions.get(m.text) ?? 0) + share);
    }
    const words = [...contributions.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, maxWords)
      .map(([w]) => w);
    return { id: this.model.topics[t] as TopicId, score: round3(p), words };
  }

  /** Calibrated score per topic column. */
  probabilities(input: TopicInput): Float64Array {
    const { z } = this.logits(input);
    return this.calibrate(z);
  }

  private calibrate(z: Float64Array): Float64Array {
    const p = new Float64Array(this.k);
    for (let t = 0; t < this.k; t++) {
      const c = this.model.calibration[t] as { a: number; b: number };
      p[t] = sigmoid(c.a * (z[t] as number) + c.b);
    }
    return p;
  }

  assess(input: TopicInput, maxWords = 3): TopicAssessment {
    const { z, known, f } = this.logits(input);
    const p = this.calibrate(z);
    let best = 0;
    for (let t = 1; t < this.k; t++) if ((p[t] as number) > (p[best] as number)) best = t;
    const explain = (t: number): TopicScore => this.explain(t, p[t] as number, known, f, maxWords);
    const topics: TopicScore[] = [];
    for (let t = 0; t < this.k; t++)
      if ((p[t] as number) >= (this.model.thresholds[t] as number)) topics.push(explain(t));
    topics.sort((a, b) => b.score - a.score);
    const scores = {} as Record<TopicId, number>;
    for (let t = 0; t < this.k; t++) scores[this.model.topics[t] as TopicId] = round3(p[t] as number);
    const first = topics[0];
    return { topics, top: first && first.id === this.model.topics[best] ? first : explain(best), scores };
  }

  /** Only the topics at or above their threshold, with their words: what the enricher stores. */
  topicsOf(input: TopicInput, maxWords = 3): TopicScore[] {
    if (!this.fast) return this.assess(input, maxWords).topics;
    const norm = this.fastScores(input);
    let chosen: { t: number; p: number }[] | undefined;
    for (let t = 0; t < this.k; t++) {
      const p = this.z[t] as number;
      if (p >= (this.model.thresholds[t] as number)) (chosen ??= []).push({ t, p });
    }
    if (!chosen) return [];
    if (chosen.length > 1) chosen.sort((a, b) => b.p - a.p);
    return chosen.map(({ t, p }) => ({
      id: this.model.topics[t] as TopicId,
      score: round3(p),
      words: this.fastWords(input, t, norm, maxWords),
    }));
  }

  /** The best topic's id (argmax of calibrated scores). */
  top(input: TopicInput): TopicId {
    const p = this.probabilities(input);
    let best = 0;
    for (let t = 1; t < this.k; t++) if ((p[t] as number) > (p[best] as number)) best = t;
    return this.model.topics[best] as TopicId;
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

// --------------------------------------------------------------------------------------- training

interface PreparedRow {
  idx: Int32Array;
  val: Float64Array;
  lex: Float64Array;
  y: number;
  weight: number;
}

/** Reads a `text,topic` CSV, rejecting unknown topic ids with the row number. */
export function readTopicCsv(file: string): TopicRow[] {
  return readCsvRecords(file, ['text', 'topic']).map((record, i) => {
    const topic = (record.topic ?? '').trim().toLowerCase();
    if (!isTopicId(topic))
      throw new Error(`${file}: row ${i + 2} has topic "${topic}", expected one of ${TOPIC_IDS.join(', ')}`);
    return { text: record.text ?? '', topic };
  });
}

/** Fits σ(a·z + b) to held-out logits by Newton's method on the log-loss (Platt 1999, with his smoothed targets). */
function fitPlatt(z: readonly number[], y: readonly number[]): { a: number; b: number } {
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  if (pos === 0 || neg === 0) return { a: 1, b: 0 };
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  const result = minimizeLbfgs(
    (x, g) => {
      let f = 0;
      g[0] = 0;
      g[1] = 0;
      for (let i = 0; i < z.length; i++) {
        const t = y[i] === 1 ? hi : lo;
        const s = (x[0] as number) * (z[i] as number) + (x[1] as number);
        const p = sigmoid(s);
        f += s > 0 ? (1 - t) * s + Math.log1p(Math.exp(-s)) : -t * s + Math.log1p(Math.exp(s));
        const d = p - t;
        g[0] = (g[0] as number) + d * (z[i] as number);
        g[1] = (g[1] as number) + d;
      }
      return f;
    },
    Float64Array.from([1, 0]),
    { maxIterations: 100 },
  );
  return { a: round4(result.x[0] as number), b: round4(result.x[1] as number) };
}

const round4 = (x: number): number => Math.round(x * 10000) / 10000;

function bestF1Threshold(p: readonly number[], y: readonly number[]): number {
  let best = 0.5;
  let bestF1 = -1;
  // Too few held-out examples to choose from: keep the neutral threshold.
  if (y.filter((v) => v === 1).length < 5) return best;
  for (let th = 0.2; th <= 0.8001; th += 0.05) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < p.length; i++) {
      const yes = (p[i] as number) >= th;
      if (yes && y[i] === 1) tp++;
      else if (yes) fp++;
      else if (y[i] === 1) fn++;
    }
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    if (f1 > bestF1) {
      bestF1 = f1;
      best = Math.round(th * 100) / 100;
    }
  }
  return best;
}

interface Corpus {
  rows: { input: TopicInput; topic: number; weight: number; lexRow: boolean; project: boolean }[];
  lexicon: Partial<Record<TopicId, string[]>>;
}

/**
 * Trains on labelled rows plus (by default) the shipped seed posts and lexicon. Texts are normalised
 * and stemmed exactly as the enricher does, so the model scores posts the way it was trained.
 */
export function trainTopicModel(rows: readonly TopicRow[], options: TopicTrainOptions = {}): TopicModel {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  return trainTopicModelsForPriorWeights(rows, options, [o.priorWeight])[0] as TopicModel;
}

/**
 * trainTopicModel for several prior weights at the cost of one: the experts are fitted once and blended
 * per weight, each blend calibrated on its own. The evaluation uses it to choose the weight.
 */
export function trainTopicModelsForPriorWeights(
  rows: readonly TopicRow[],
  options: TopicTrainOptions,
  priorWeights: readonly number[],
): TopicModel[] {
  for (const a of priorWeights)
    if (!(a >= 0 && a < 1)) throw new Error(`prior weight must be in [0, 1), got ${a}`);
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const features: TopicFeatureOptions = { ...DEFAULTS.features, ...stripUndefined(options.features ?? {}) };
  const normalizer = createNormalizer(options.extraLexiconFiles ?? []);
  const topics = [...TOPIC_IDS];
  const topicIndex = new Map(topics.map((t, i) => [t as string, i]));
  const toInput = (text: string): TopicInput => {
    const tokens = normalizer.normalize(text.normalize('NFKC')).tokens;
    return { tokens, terms: unitsOf(tokens, 'terms') };
  };
  const corpus: Corpus = { rows: [], lexicon: {} };
  for (const r of rows)
    corpus.rows.push({
      input: toInput(r.text),
      topic: topicIndex.get(r.topic) as number,
      weight: 1,
      lexRow: false,
      project: false,
    });
  const sources = [...(o.sources ?? [])];
  if (o.seeds) {
    const seedsFile = options.seedsFile ?? DEFAULT_TOPIC_SEEDS_FILE;
    for (const r of readTopicCsv(seedsFile))
      corpus.rows.push({
        input: toInput(r.text),
        topic: topicIndex.get(r.topic) as number,
        weight: o.seedWeight,
        lexRow: false,
        project: true,
      });
    sources.push(seedsFile);
  }
  if (features.lexicon) {
    const lexiconFile = options.lexiconFile ?? DEFAULT_TOPIC_LEXICON_FILE;
    corpus.lexicon = stemLexicon(readTopicLexiconFile(lexiconFile), normalizer);
    sources.push(lexiconFile);
    if (o.lexiconRowWeight > 0)
      topics.forEach((topic, k) => {
        for (const entry of corpus.lexicon[topic] ?? []) {
          const terms = entry.split(' ');
          corpus.rows.push({
            input: { tokens: terms, terms },
            topic: k,
            weight: o.lexiconRowWeight,
            lexRow: true,
            project: true,
          });
        }
      });
  }
  if (corpus.rows.length === 0) throw new Error('no training rows');

  // Hold out a stratified fifth of the labelled and seed rows (lexicon rows always train) for calibration.
  const random = seededRandom(o.seed);
  const heldOut = new Set<number>();
  const byTopic = new Map<number, number[]>();
  corpus.rows.forEach((r, i) => {
    if (r.lexRow) return;
    const list = byTopic.get(r.topic) ?? [];
    list.push(i);
    byTopic.set(r.topic, list);
  });
  for (const list of byTopic.values()) {
    const shuffled = list.map((i) => [random(), i] as const).sort((a, b) => a[0] - b[0]);
    const take = Math.floor(list.length * o.heldOut);
    for (let j = 0; j < take; j++) heldOut.add(shuffled[j]![1]);
  }
  const fitRows = corpus.rows.filter((_, i) => !heldOut.has(i));
  const evalRows = corpus.rows.filter((_, i) => heldOut.has(i));

  const firsts = fitBlend(fitRows, topics, corpus.lexicon, features, o, priorWeights);
  const finals = fitBlend(corpus.rows, topics, corpus.lexicon, features, o, priorWeights);
  const perTopic: Partial<Record<TopicId, number>> = {};
  for (const r of corpus.rows)
    if (!r.lexRow) perTopic[topics[r.topic]!] = (perTopic[topics[r.topic]!] ?? 0) + 1;
  const hasLabelled = corpus.rows.some((r) => !r.project);
  return finals.map((model, m) => {
    const { calibration, thresholds } = calibrate(firsts[m] as TopicModel, evalRows, topics);
    model.calibration = calibration;
    model.thresholds = thresholds;
    model.version = o.version ?? `topics-${new Date().toISOString().slice(0, 10)}`;
    model.training = {
      rows: corpus.rows.filter((r) => !r.lexRow).length,
      perTopic,
      C: o.C,
      lexiconC: o.lexiconC,
      seedWeight: o.seeds ? o.seedWeight : 0,
      lexiconRowWeight: features.lexicon ? o.lexiconRowWeight : 0,
      // Without labelled rows the main expert is the prior: nothing to blend.
      priorWeight: hasLabelled ? (priorWeights[m] as number) : 0,
      createdAt: new Date().toISOString(),
      sources,
    };
    return model;
  });
}

/**
 * One Platt map for every topic, fitted on all (held-out row, topic) pairs: the same monotone map keeps
 * the class-balanced ranking of topics (a per-topic map would re-learn the labelled file's topic
 * frequencies, which are the outlets' section sizes, not the world's). Per-topic thresholds maximise F1
 * on the held-out rows.
 */
function calibrate(
  first: TopicModel,
  evalRows: Corpus['rows'],
  topics: TopicId[],
): { calibration: { a: number; b: number }[]; thresholds: number[] } {
  const calibration: { a: number; b: number }[] = [];
  const thresholds: number[] = [];
  if (evalRows.length === 0) {
    topics.forEach(() => {
      calibration.push({ a: 1, b: 0 });
      thresholds.push(0.5);
    });
    return { calibration, thresholds };
  }
  const scorer = new TopicScorer(first);
  const logits = evalRows.map((r) => rawLogits(scorer, r.input));
  const z: number[] = [];
  const y: number[] = [];
  evalRows.forEach((r, i) =>
    topics.forEach((_, t) => (z.push(logits[i]![t] as number), y.push(r.topic === t ? 1 : 0))),
  );
  const c = fitPlatt(z, y);
  topics.forEach((_, t) => {
    calibration.push(c);
    const p = evalRows.map((_, i) => sigmoid(c.a * (logits[i]![t] as number) + c.b));
    thresholds.push(
      bestF1Threshold(
        p,
        evalRows.map((r) => (r.topic === t ? 1 : 0)),
      ),
    );
  });
  return { calibration, thresholds };
}

function rawLogits(scorer: TopicScorer, input: TopicInput): Float64Array {
  // Calibration is the identity in a freshly fitted model, so probabilities are σ(logit).
  const p = scorer.probabilities(input);
  return p.map((v) => Math.log(Math.max(v, 1e-12) / Math.max(1 - v, 1e-12)));
}

interface PreparedCorpus {
  names: string[];
  idf: number[];
  prepared: PreparedRow[];
  /** Which rows are project-written (seeds, lexicon entries): the prior expert's training rows. */
  project: boolean[];
  /** Per feature: 1 when some project-written row has it. */
  inProject: Uint8Array;
}

/**
 * Features of every row, with the vocabulary and smooth idf (scikit-learn: ln((1+n)/(1+df)) + 1) over
 * all of them. Both experts are fitted on this one feature space, so their weights add up exactly.
 */
function prepareCorpus(
  rows: Corpus['rows'],
  topics: TopicId[],
  lexicon: Partial<Record<TopicId, string[]>>,
  features: TopicFeatureOptions,
): PreparedCorpus {
  const k = topics.length;
  const lexIndex = features.lexicon ? indexLexicon(topics, lexicon) : undefined;
  const extracted = rows.map((r) => extract(r.input, features, lexIndex, k));
  const df = new Map<string, number>();
  for (const f of extracted) for (const name of f.counts.keys()) df.set(name, (df.get(name) ?? 0) + 1);
  const names = [...df.keys()];
  const index = new Map(names.map((n, i) => [n, i]));
  const n = rows.length;
  const idf = names.map((name) => Math.log((1 + n) / (1 + (df.get(name) as number))) + 1);
  const prepared: PreparedRow[] = extracted.map((f, r) => {
    const idx = new Int32Array(f.counts.size);
    const val = new Float64Array(f.counts.size);
    let j = 0;
    let norm = 0;
    for (const [name, count] of f.counts) {
      const i = index.get(name) as number;
      idx[j] = i;
      val[j] = (1 + Math.log(count)) * (idf[i] as number);
      norm += (val[j] as number) ** 2;
      j++;
    }
    if (norm > 0) for (let q = 0; q < val.length; q++) val[q] = (val[q] as number) / Math.sqrt(norm);
    return { idx, val, lex: f.hits.map(lexValue), y: rows[r]!.topic, weight: rows[r]!.weight };
  });
  const inProject = new Uint8Array(names.length);
  prepared.forEach((row, r) => {
    if (rows[r]!.project) for (const i of row.idx) inProject[i] = 1;
  });
  return { names, idf, prepared, project: rows.map((r) => r.project), inProject };
}

/** One expert: per-topic word weights W[feature][topic], lexicon weights and biases. */
interface Expert {
  W: Float64Array[];
  lexiconWeights: number[][];
  bias: number[];
}

/** Class-balanced one-vs-rest logistic regression over the prepared rows for which use(i) holds. */
function fitExpert(
  corpus: PreparedCorpus,
  k: number,
  features: TopicFeatureOptions,
  o: Omit<typeof DEFAULTS, 'features'> & Omit<TopicTrainOptions, 'features'>,
  use: (i: number) => boolean = () => true,
): Expert {
  const prepared = corpus.prepared.filter((_, i) => use(i));
  const V = corpus.names.length;
  const W = corpus.names.map(() => new Float64Array(k));
  // C per word: words the project-written rows never use (outlet style, names) may be held tighter.
  const labelledOnlyC = o.labelledOnlyC ?? o.C;
  const wordC = Float64Array.from(corpus.inProject, (p) => (p ? o.C : labelledOnlyC));
  const lexiconWeights: number[][] = [];
  const bias: number[] = [];
  for (let t = 0; t < k; t++) {
    let posW = 0;
    let negW = 0;
    for (const row of prepared) {
      if (row.y === t) posW += row.weight;
      else negW += row.weight;
    }
    if (posW === 0) {
      // No example of this topic at all: it can never be the answer.
      lexiconWeights.push(new Array<number>(k).fill(0));
      bias.push(-20);
      continue;
    }
    const total = posW + negW;
    const cPos = total / (2 * posW);
    const cNeg = total / (2 * negW);
    const useLex = features.lexicon;
    const size = V + (useLex ? k : 0) + 1;
    const result = minimizeLbfgs(
      (x, g) => {
        g.fill(0);
        let f = 0;
        const b = x[size - 1] as number;
        for (const row of prepared) {
          let z = b;
          for (let j = 0; j < row.idx.length; j++)
            z += (x[row.idx[j] as number] as number) * (row.val[j] as number);
          if (useLex) for (let s = 0; s < k; s++) z += (x[V + s] as number) * (row.lex[s] as number);
          const yes = row.y === t;
          const c = row.weight * (yes ? cPos : cNeg);
          const m = yes ? z : -z;
          f += c * (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m)));
          const d = c * (sigmoid(z) - (yes ? 1 : 0));
          for (let j = 0; j < row.idx.length; j++)
            g[row.idx[j] as number] = (g[row.idx[j] as number] as number) + d * (row.val[j] as number);
          if (useLex)
            for (let s = 0; s < k; s++) g[V + s] = (g[V + s] as number) + d * (row.lex[s] as number);
          g[size - 1] = (g[size - 1] as number) + d;
        }
        for (let i = 0; i < V; i++) {
          const c = wordC[i] as number;
          f += (x[i] as number) ** 2 / (2 * c);
          g[i] = (g[i] as number) + (x[i] as number) / c;
        }
        if (useLex)
          for (let s = 0; s < k; s++) {
            f += (x[V + s] as number) ** 2 / (2 * o.lexiconC);
            g[V + s] = (g[V + s] as number) + (x[V + s] as number) / o.lexiconC;
          }
        return f;
      },
      new Float64Array(size),
      { maxIterations: o.maxIterations, tolerance: 1e-7 },
    );
    for (let i = 0; i < V; i++) W[i]![t] = result.x[i] as number;
    lexiconWeights.push(useLex ? Array.from(result.x.subarray(V, V + k)) : new Array<number>(k).fill(0));
    bias.push(result.x[size - 1] as number);
  }
  return { W, lexiconWeights, bias };
}

/**
 * The experts' logits blended in one weight table: (1 − α)·main + α·prior. Both were fitted on the
 * same features (same vocabulary and idf, same L2 norm), so the blend is exact and scoring stays one
 * pass over one table, as fast as a single model.
 */
function blendExperts(
  corpus: PreparedCorpus,
  topics: TopicId[],
  lexicon: Partial<Record<TopicId, string[]>>,
  features: TopicFeatureOptions,
  main: Expert,
  prior: Expert | undefined,
  alpha: number,
): TopicModel {
  const a = prior ? alpha : 0;
  const mix = (m: number, p: number | undefined): number => (1 - a) * m + a * (p ?? 0);
  const vocabulary: Record<string, number[]> = {};
  corpus.names.forEach((name, i) => {
    const w = Array.from(main.W[i]!, (v, t) => mix(v, prior?.W[i]?.[t]));
    // Words that move no topic noticeably are dropped from the file; their idf still mattered in training.
    if (w.every((v) => Math.abs(v) < 1e-3)) return;
    vocabulary[name] = [round4(corpus.idf[i] as number), ...w.map(round4)];
  });
  return {
    format: TOPIC_MODEL_FORMAT,
    version: '',
    topics,
    features,
    vocabulary,
    lexicon: features.lexicon ? lexicon : {},
    lexiconWeights: main.lexiconWeights.map((row, t) =>
      row.map((v, s) => round4(mix(v, prior?.lexiconWeights[t]?.[s]))),
    ),
    bias: main.bias.map((v, t) => round4(mix(v, prior?.bias[t]))),
    calibration: topics.map(() => ({ a: 1, b: 0 })),
    thresholds: topics.map(() => 0.5),
    training: {} as TopicModel['training'],
  };
}

/**
 * Fits the main expert on every row and, when priorWeight > 0 and there are labelled rows, the prior
 * expert on the project-written rows only, and blends them.
 */
function fitBlend(
  rows: Corpus['rows'],
  topics: TopicId[],
  lexicon: Partial<Record<TopicId, string[]>>,
  features: TopicFeatureOptions,
  o: Omit<typeof DEFAULTS, 'features'> & Omit<TopicTrainOptions, 'features'>,
  alphas: readonly number[],
): TopicModel[] {
  const corpus = prepareCorpus(rows, topics, lexicon, features);
  const main = fitExpert(corpus, topics.length, features, o);
  const needPrior = alphas.some((a) => a > 0) && corpus.project.some((p) => !p);
  const prior = needPrior
    ? fitExpert(corpus, topics.length, features, o, (i) => corpus.project[i] === true)
    : undefined;
  return alphas.map((a) => blendExperts(corpus, topics, lexicon, features, main, prior, a));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ------------------------------------------------------------------------------------ persistence

export function saveTopicModel(model: TopicModel, file: string): void {
  fs.writeFileSync(file, JSON.stringify(model) + '\n');
}

export function loadTopicModel(file: string): TopicModel {
  const model = JSON.parse(fs.readFileSync(file, 'utf8')) as TopicModel;
  if (model.format !== TOPIC_MODEL_FORMAT)
    throw new Error(`${file}: not a topic model (format "${String(model.format)}")`);
  return model;
}

let defaultTopicModel: TopicModel | undefined;

/** The model shipped in data/topic-model.json, trained only on the project's own seeds and lexicon. */
export function loadDefaultTopicModel(): TopicModel {
  defaultTopicModel ??= loadTopicModel(DEFAULT_TOPIC_MODEL_FILE);
  return defaultTopicModel;
}

// ------------------------------------------------------------------------------------- evaluation

export interface TopicMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  perTopic: Partial<Record<TopicId, { precision: number; recall: number; f1: number; support: number }>>;
}

/**
 * Single-label evaluation: a row counts as right when its best topic is its label. Per-topic precision
 * and recall treat the best topic as the prediction; macro-F1 averages the topics present in the labels.
 */
export function topicMetrics(labels: readonly TopicId[], predicted: readonly TopicId[]): TopicMetrics {
  const present = TOPIC_IDS.filter((t) => labels.includes(t));
  const perTopic: TopicMetrics['perTopic'] = {};
  let correct = 0;
  labels.forEach((l, i) => {
    if (predicted[i] === l) correct++;
  });
  let sumF1 = 0;
  for (const t of present) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    labels.forEach((l, i) => {
      const p = predicted[i];
      if (p === t && l === t) tp++;
      else if (p === t) fp++;
      else if (l === t) fn++;
    });
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perTopic[t] = { precision, recall, f1, support: tp + fn };
    sumF1 += f1;
  }
  return {
    n: labels.length,
    accuracy: labels.length === 0 ? 0 : correct / labels.length,
    macroF1: present.length === 0 ? 0 : sumF1 / present.length,
    perTopic,
  };
}

/** Scores rows through the enricher's own normalisation and the scorer, and measures the best topic. */
export function evaluateTopicModel(
  model: TopicModel,
  rows: readonly TopicRow[],
  options: { extraLexiconFiles?: string[] } = {},
): TopicMetrics {
  const normalizer = createNormalizer(options.extraLexiconFiles ?? []);
  const scorer = new TopicScorer(model);
  const predicted = rows.map((r) => {
    const tokens = normalizer.normalize(r.text.normalize('NFKC')).tokens;
    return scorer.top({ tokens, terms: unitsOf(tokens, 'terms') });
  });
  return topicMetrics(
    rows.map((r) => r.topic),
    predicted,
  );
}

/** Stemmed content terms of normalised tokens, as the enricher computes them. */
export function topicInputOf(tokens: readonly string[]): TopicInput {
  return { tokens, terms: unitsOf(tokens, 'terms') };
}
