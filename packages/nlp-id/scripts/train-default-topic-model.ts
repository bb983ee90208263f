/**
 * Retrains the shipped topic model (data/topic-model.json) from project-written data only: the seed
 * posts (data/topic-seeds-id.csv) and the topic lexicon (data/topic-lexicon.json), with the default recipe.
 *
 *   npx tsx packages/nlp-id/scripts/train-default-topic-model.ts
 */
import { DEFAULT_TOPIC_MODEL_FILE, saveTopicModel, trainTopicModel } from '../src/topics';

const model = trainTopicModel([], { version: 'topics-project-1' });
model.training.createdAt = '2026-11-30T00:00:00.000Z';
// Relative paths, so the shipped file does not name the machine it was trained on.
model.training.sources = ['data/topic-seeds-id.csv', 'data/topic-lexicon.json'];
saveTopicModel(model, DEFAULT_TOPIC_MODEL_FILE);
process.stdout.write(
  `wrote ${DEFAULT_TOPIC_MODEL_FILE}: ${Object.keys(model.vocabulary).length} features, thresholds ${model.thresholds.join(',')}\n`,
);
