/** One call per post: everything the scorer indexes and the detector clusters on. */
import { EntityMention, getDefaultGazetteer } from './entities';
import { FactCheck, FactCheckIndex, deniesClaim, isFalseVerdict } from './factcheck';
import { Lang, scoreLanguageOfVotes } from './langid';
import { Signature, signatureOfHashes } from './minhash';
import { isPlainAscii } from './resources';
import { TokenHashes, tokenHashes } from './hashing';
import {
  DEFAULT_MODEL_FILE,
  HoaxModel,
  ModelInput,
  TrainOptions,
  TrainingRow,
  loadHoaxModel,
  scoreInput,
  trainFromInputs,
} from './model';
import { NormalizedText, Normalizer, createNormalizer } from './normalize';
import { DetectedSignal, DomainLists, SIGNALS, detectSignals, loadDomainLists } from './signals';
import { TopicModel, TopicScore, TopicScorer, loadDefaultTopicModel } from './topics';

export interface HoaxSignal {
  id: string;
  /** Contribution to the calibrated log-odds: positive pushes towards hoax, negative away. */
  weight: number;
  label: { id: string; en: string };
  evidence?: string;
}

export type HoaxVerdict = 'hoax' | 'not_hoax' | 'uncertain';

/**
 * Half-width of the uncertain band, in calibrated log-odds around the threshold (±0.4 ≈ 0.40–0.60 at a
 * threshold of 0.5). Across sources the scores near the threshold are right barely more than half of
 * the time (see the README's calibration table), so the explanation says so instead of guessing.
 */
export const UNCERTAIN_LOGIT = 0.4;

// Hot-path helpers live at module level: under tsx (keepNames) a named closure made per call costs a
// defineProperty each time it is created.
const logit = (p: number): number => Math.log(Math.max(p, 1e-6) / Math.max(1 - p, 1e-6));

export function verdictOf(score: number, threshold: number, band = UNCERTAIN_LOGIT): HoaxVerdict {
  if (Math.abs(logit(score) - logit(threshold)) < band) return 'uncertain';
  return score >= threshold ? 'hoax' : 'not_hoax';
}

const UNCERTAIN_LABEL = {
  id: 'Belum pasti: skor dekat ambang keputusan, perlu dicek analis',
  en: 'Uncertain: the score is close to the decision threshold; needs an analyst',
};

export interface HoaxAssessment {
  /** Calibrated probability in [0,1]. */
  score: number;
  /** Strongest first (by absolute contribution), at most MAX_SIGNALS. */
  signals: HoaxSignal[];
  modelVersion: string;
  /** The model's decision threshold, for callers that need a yes/no. */
  threshold: number;
  /**
   * 'uncertain' (belum pasti) when the score lies in the model's uncertain band around the threshold:
   * a cautious reader should not act on it alone. Otherwise the side of the threshold.
   */
  verdict: HoaxVerdict;
  /** The closest fact-checked false claim, when one is similar enough to count. */
  factCheck?: { id: string; title: string; verdict: string; url?: string; similarity: number };
}

export interface Enrichment {
  normalizedText: string;
  lang: Lang;
  /** Normalised tokens (slang resolved, elongation/reduplication fixed). */
  tokens: string[];
  /** Stemmed, stop-word-free content terms, in text order, deduplicated. */
  terms: string[];
  hashtags: string[];
  mentions: string[];
  urls: string[];
  domains: string[];
  emojis: string[];
  numbers: string[];
  entities: EntityMention[];
  signature: Signature;
  hoax: HoaxAssessment;
  /** Topics at or above their threshold, best first, each with the words that explain it. */
  topics: TopicScore[];
}

export interface EnricherOptions {
  model?: HoaxModel;
  factChecks?: FactCheck[];
  /** Extra `slang,formal` CSV lexicons, loaded after the shipped one (later entries win). */
  extraLexiconFiles?: string[];
  /** Domains known to spread hoaxes, added to the shipped list. */
  hoaxDomains?: string[];
  /** The topic model; default: the shipped one (data/topic-model.json); null = no topics (benchmarks). */
  topicModel?: TopicModel | null;
}

export interface Enricher {
  enrich(text: string, meta?: { authorHandle?: string }): Enrichment;
  /**
   * Adds fact-checks, or replaces the ones already held (same id): an edit at the source. Only false
   * verdicts match posts; a fact-check whose verdict is no longer false stops matching.
   */
  addFactChecks(factChecks: FactCheck[]): void;
  /** Withdraws fact-checks deleted at their source: they match no later post. */
  removeFactChecks(ids: Iterable<string>): void;
  /** Normalise + signals, exactly as enrich() feeds the model; used for training and evaluation. */
  modelInput(text: string): ModelInput;
  readonly model: HoaxModel;
  /** Serve another model from the next post on (a promoted retrain), without a restart. */
  setModel(model: HoaxModel): void;
}

const MAX_SIGNALS = 5;
/** Contributions smaller than this (in log-odds) do not explain anything. */
const MIN_SIGNAL_WEIGHT = 0.05;
/** Similarity to a fact-checked false claim below this is topical overlap, not the same claim. */
export const MIN_FACTCHECK_SIMILARITY = 0.55;

const SIGNAL_LABELS = new Map(SIGNALS.map((s) => [s.id, s.label]));
const TEXT_MODEL_LABELS = {
  towardsHoax: { id: 'Pilihan kata mirip hoaks yang pernah beredar', en: 'Wording resembles known hoaxes' },
  awayFromHoax: {
    id: 'Pilihan kata mirip berita/klarifikasi biasa',
    en: 'Wording resembles ordinary news or clarifications',
  },
};

/** Stemmed, stop-word-free content terms in text order, deduplicated. */
export function contentTerms(tokens: readonly string[]): string[] {
  return termsOfHashes(tokens.map(tokenHashes));
}

/** termHashes, when given, receives the TokenHashes each term came from (parallel to the terms). */
function termsOfHashes(hashes: readonly TokenHashes[], termHashes?: TokenHashes[]): string[] {
  // A post has a few dozen terms at most: a scan of the kept ones is cheaper than a Set per post.
  const seen = hashes.length > SCAN_DEDUPLICATION_LIMIT ? new Set<string>() : undefined;
  const terms: string[] = [];
  for (const h of hashes) {
    const term = h.term;
    if (term === '' || (seen ? seen.has(term) : terms.includes(term))) continue;
    seen?.add(term);
    terms.push(term);
    termHashes?.push(h);
  }
  return terms;
}
const SCAN_DEDUPLICATION_LIMIT = 48;

function modelInputFrom(
  raw: string,
  normalized: NormalizedText,
  domainLists: DomainLists,
  hits?: DetectedSignal[],
): ModelInput {
  const signals = new Map<string, number>();
  for (const hit of hits ??
    detectSignals(
      {
        raw,
        normalized: normalized.text,
        domains: normalized.domains,
        words: { tokens: normalized.tokens, hashes: normalized.hashes },
      },
      domainLists,
    )) {
    signals.set(hit.definition.id, hit.value);
  }
  return { tokens: normalized.tokens, hashes: normalized.hashes, signals };
}

/** Drops a word already shown inside a listed bigram ("5g sebarkan", not also "5g"). */
function distinctTerms(terms: readonly string[]): string[] {
  return terms.filter(
    (t, i) =>
      !terms.some((other, j) => j !== i && other !== t && other.split(' ').includes(t)) &&
      terms.indexOf(t) === i,
  );
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function createEnricher(options: EnricherOptions = {}): Enricher {
  const normalizer: Normalizer = createNormalizer(options.extraLexiconFiles ?? []);
  const gazetteer = getDefaultGazetteer();
  let model = options.model ?? loadDefaultHoaxModel();
  const domainLists = loadDomainLists(options.hoaxDomains ?? []);
  const topicScorer =
    options.topicModel === null ? undefined : new TopicScorer(options.topicModel ?? loadDefaultTopicModel());
  const factChecks = new FactCheckIndex((text) => contentTerms(normalizer.normalize(text).tokens));
  factChecks.add((options.factChecks ?? []).filter((f) => isFalseVerdict(f.verdict)));

  function enrich(text: string, _meta?: { authorHandle?: string }): Enrichment {
    const raw = isPlainAscii(text) ? text : text.normalize('NFKC');
    const normalized = normalizer.normalize(raw, true);
    const hashes = normalized.hashes;
    const termHashes: TokenHashes[] = [];
    const terms = termsOfHashes(hashes, termHashes);
    const hits = detectSignals(
      {
        raw,
        normalized: normalized.text,
        domains: normalized.domains,
        words: { tokens: normalized.tokens, hashes: normalized.hashes },
      },
      domainLists,
    );
    const input = modelInputFrom(raw, normalized, domainLists, hits);
    // A weaker match changes nothing below, so the index may skip candidates that cannot reach it.
    const match = factChecks.bestMatch(terms, MIN_FACTCHECK_SIMILARITY, termHashes);
    // A post that denies or reports the claim ("... hoaks", "BIN bantah ...") does not restate it.
    const factCheckSimilarity =
      match && match.similarity >= MIN_FACTCHECK_SIMILARITY && !deniesClaim(raw, match.factCheck)
        ? match.similarity
        : 0;
    const breakdown = scoreInput(model, input, factCheckSimilarity);

    const signals: HoaxSignal[] = [];
    if (Math.abs(breakdown.textContribution) >= MIN_SIGNAL_WEIGHT) {
      const towards = breakdown.textContribution > 0;
      signals.push({
        id: 'text-model',
        weight: round3(breakdown.textContribution),
        label: towards ? TEXT_MODEL_LABELS.towardsHoax : TEXT_MODEL_LABELS.awayFromHoax,
        ...(towards && breakdown.topTerms.length > 0
          ? { evidence: distinctTerms(breakdown.topTerms).join(', ') }
          : {}),
      });
    }
    for (const hit of hits) {
      const weight = breakdown.signalContributions.get(hit.definition.id) ?? 0;
      if (Math.abs(weight) < MIN_SIGNAL_WEIGHT) continue;
      signals.push({
        id: hit.definition.id,
        weight: round3(weight),
        label: SIGNAL_LABELS.get(hit.definition.id) ?? hit.definition.label,
        ...(hit.evidence ? { evidence: hit.evidence } : {}),
      });
    }
    let factCheck: HoaxAssessment['factCheck'];
    if (match && factCheckSimilarity > 0) {
      const f = match.factCheck;
      factCheck = {
        id: f.id,
        title: f.title,
        verdict: f.verdict,
        ...(f.url ? { url: f.url } : {}),
        similarity: round3(match.similarity),
      };
      signals.push({
        id: 'factcheck-match',
        weight: round3(model.factCheckWeight * factCheckSimilarity),
        label: {
          id: `Mirip klaim yang sudah dicek fakta: "${f.title}" (${f.verdict})`,
          en: `Resembles a fact-checked claim: "${f.title}" (${f.verdict})`,
        },
        evidence: f.url ?? f.id,
      });
    }
    // Strongest first, ties in the order found (a stable sort, by insertion: a handful of signals).
    for (let k = 1; k < signals.length; k++) {
      const signal = signals[k] as HoaxSignal;
      const strength = Math.abs(signal.weight);
      let at = k;
      for (; at > 0 && Math.abs((signals[at - 1] as HoaxSignal).weight) < strength; at--)
        signals[at] = signals[at - 1] as HoaxSignal;
      signals[at] = signal;
    }
    const score = round3(breakdown.probability);
    const verdict = verdictOf(breakdown.probability, model.threshold);
    // The uncertainty notice leads the explanation (weight 0: it moves nothing, it qualifies the rest).
    if (verdict === 'uncertain')
      signals.splice(0, 0, { id: 'uncertain', weight: 0, label: UNCERTAIN_LABEL, evidence: `skor ${score}` });

    return {
      normalizedText: normalized.text,
      lang: scoreLanguageOfVotes(normalized.rawVotes).lang,
      tokens: normalized.tokens,
      terms,
      hashtags: normalized.hashtags,
      mentions: normalized.mentions,
      urls: normalized.urls,
      domains: normalized.domains,
      emojis: normalized.emojis,
      numbers: normalized.numbers,
      // Hashtag words are in rawWords too (#KPU → kpu), so the pre-check sees every possible alias start.
      entities: gazetteer.mightMention(normalized.rawWords) ? gazetteer.find(raw, true) : [],
      signature: signatureOfHashes(hashes),
      hoax: {
        score,
        signals: signals.slice(0, verdict === 'uncertain' ? MAX_SIGNALS + 1 : MAX_SIGNALS),
        modelVersion: model.version,
        threshold: model.threshold,
        verdict,
        ...(factCheck ? { factCheck } : {}),
      },
      topics: topicScorer ? topicScorer.topicsOf({ tokens: normalized.tokens, terms, hashes }) : [],
    };
  }

  return {
    enrich,
    addFactChecks: (list) => {
      factChecks.remove(list.filter((f) => !isFalseVerdict(f.verdict)).map((f) => f.id));
      factChecks.add(list.filter((f) => isFalseVerdict(f.verdict)));
    },
    removeFactChecks: (ids) => factChecks.remove(ids),
    modelInput: (text) => {
      const raw = text.normalize('NFKC');
      return modelInputFrom(raw, normalizer.normalize(raw), domainLists);
    },
    get model() {
      return model;
    },
    setModel: (next) => {
      model = next;
    },
  };
}

let defaultModel: HoaxModel | undefined;

/** The model shipped in data/hoax-model.json, trained on the project's own corpus (data/hoax-train-id.csv). */
export function loadDefaultHoaxModel(): HoaxModel {
  defaultModel ??= loadHoaxModel(DEFAULT_MODEL_FILE);
  return defaultModel;
}

/**
 * Trains a model from labelled texts (analysts' labels, or a CSV). Texts are normalised and their
 * signals detected exactly as enrich() does, so a trained model scores posts the way it was trained.
 */
export function trainHoaxModel(
  rows: readonly TrainingRow[],
  options: TrainOptions & { extraLexiconFiles?: string[]; hoaxDomains?: string[] } = {},
): HoaxModel {
  const normalizer = createNormalizer(options.extraLexiconFiles ?? []);
  const domainLists = loadDomainLists(options.hoaxDomains ?? []);
  const prepared = rows.map((r) => {
    const raw = r.text.normalize('NFKC');
    return {
      ...modelInputFrom(raw, normalizer.normalize(raw), domainLists),
      label: r.label,
      ...(r.group !== undefined ? { group: r.group } : {}),
    };
  });
  return trainFromInputs(prepared, options);
}
