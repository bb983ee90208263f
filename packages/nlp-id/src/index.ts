export { stem, isRootWord, LruCache } from './stem';
export { fnv1a } from './hashing';
export { normalize, createNormalizer, Normalizer } from './normalize';
export type { NormalizedText } from './normalize';
export { SlangLexicon, loadSlangLexicon, DEFAULT_SLANG_FILE } from './lexicon';
export { detectLanguage, scoreLanguage, scoreLanguageOfWords } from './langid';
export type { Lang, LanguageScores } from './langid';
export {
  computeSignature,
  minhash,
  lshBands,
  jaccardEstimate,
  shingleJaccard,
  shingles,
  MINHASH_SIZE,
  LSH_BANDS,
  LSH_ROWS,
} from './minhash';
export type { Signature } from './minhash';
export { findEntities, getDefaultGazetteer, Gazetteer } from './entities';
export type { EntityMention, EntityKind } from './entities';
export { region, regionIdOf, regions, unknownRegions } from './regions';
export type { Region, RegionWithProvince } from './regions';
export { FactCheckIndex, loadFactChecksCsv, isFalseVerdict, deniesClaim } from './factcheck';
export type { FactCheck, FactCheckMatch } from './factcheck';
export { SIGNALS, detectSignals, loadDomainLists } from './signals';
export {
  loadHoaxModel,
  saveHoaxModel,
  scoreInput,
  binaryMetrics,
  trainFromInputs,
  minimizeLbfgs,
  DEFAULT_LEARNER,
  HOAX_MODEL_FORMAT,
  DEFAULT_MODEL_FILE,
  DEFAULT_TRAINING_FILE,
} from './model';
export type {
  HoaxModel,
  TrainingRow,
  TrainOptions,
  BinaryMetrics,
  ModelInput,
  Learner,
  LbfgsOptions,
  LbfgsResult,
} from './model';
export { createEnricher, loadDefaultHoaxModel, trainHoaxModel, contentTerms } from './enricher';
export type {
  Enricher,
  Enrichment,
  EnricherOptions,
  HoaxAssessment,
  HoaxSignal,
  HoaxVerdict,
} from './enricher';
export { verdictOf, UNCERTAIN_LOGIT } from './enricher';
export { readLabelledCsv } from './dataset';
export { evaluateHoaxModel } from './evaluate';
export { TOPICS, TOPIC_IDS, isTopicId, topicLabel } from './topic-taxonomy';
export type { TopicId, TopicDefinition } from './topic-taxonomy';
export {
  TopicScorer,
  trainTopicModel,
  trainTopicModelsForPriorWeights,
  evaluateTopicModel,
  topicMetrics,
  readTopicCsv,
  readTopicLexiconFile,
  saveTopicModel,
  loadTopicModel,
  loadDefaultTopicModel,
  topicInputOf,
  TOPIC_MODEL_FORMAT,
  DEFAULT_TOPIC_MODEL_FILE,
  DEFAULT_TOPIC_LEXICON_FILE,
  DEFAULT_TOPIC_SEEDS_FILE,
} from './topics';
export type {
  TopicModel,
  TopicRow,
  TopicScore,
  TopicAssessment,
  TopicInput,
  TopicMetrics,
  TopicTrainOptions,
} from './topics';
export type { EvaluateOptions, HoaxEvaluation } from './evaluate';
export { trainNaiveBayes, predictNaiveBayes, evaluateNaiveBayes } from './baseline';
export type { NaiveBayesModel } from './baseline';
export { hoaxScores } from './evaluate';
export { retrainHoaxModel } from './retrain';
export { retrainHoaxModelInThread } from './retrain-thread';
export type { RetrainInput, RetrainResult, RetrainFigures } from './retrain';
