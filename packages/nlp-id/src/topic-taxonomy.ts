/** The taxonomy lives in @pantau/core (the API, query language, detector and alerts use it too). */
export { TOPIC_IDS, TOPICS, isTopicId, topicLabel } from '@pantau/core';
export type { TopicId, TopicDefinition } from '@pantau/core';
