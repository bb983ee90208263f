export * from './types';
export * from './text';
export * from './store';
export * from './alert-doc';
export * from './engine';
export * from './templates';
export {
  type Channel,
  type SendContext,
  type SendResult,
  DeliveryError,
  parseRetryAfter,
  classifyResponse,
} from './channels/channel';
export { createSlackChannel, slackMessage, slackTargetKey, type SlackChannelOptions } from './channels/slack';
export { createTelegramChannel, telegramHtml, type TelegramChannelOptions } from './channels/telegram';
export {
  createEmailChannel,
  emailHtml,
  classifySmtpError,
  type EmailChannel,
  type EmailChannelOptions,
} from './channels/email';
export {
  createWebhookChannel,
  signBody,
  verifySignature,
  SIGNATURE_HEADER,
  ALERT_ID_HEADER,
  type WebhookChannelOptions,
} from './channels/webhook';
export {
  createDeliveryQueue,
  createDeliveryWorker,
  obliterateDeliveryQueue,
  DELIVERY_QUEUE,
  type DeliveryQueue,
  type DeliveryQueueOptions,
  type DeliveryWorker,
  type DeliveryWorkerOptions,
} from './delivery-queue';
export {
  createRetrainQueue,
  createRetrainWorker,
  RETRAIN_QUEUE,
  type RetrainJob,
  type RetrainQueue,
} from './retrain-queue';
export * from './target';
export * from './rules';
export * from './quiet';
export * from './state';
export * from './clarify';
export {
  createDeliveryHolder,
  digestPayload,
  obliterateDigestQueue,
  DIGEST_QUEUE,
  type DeliveryHolder,
} from './digest';
export {
  busiestWindowAfter,
  createRuleStage,
  decodeRulePost,
  type RuleStagePost,
  type RuleStageDeps,
} from './rule-stage';
