export { ChatopsModule } from './chatops.module';
export { ChatopsWorkerModule, DiscordAnswerJobs } from './discord-answer.jobs';
export { chatInboundBodyParser, CHAT_INBOUND_PATH } from './chat-inbound.body-parser';
export { ChatSecretCipher } from './chat-secret.cipher';
export * from './chatops.vocabulary';
export {
  verifySlack,
  verifyDiscord,
  verifyTelegram,
  TIMESTAMP_WINDOW_SECONDS,
} from './verification/request-signatures';
export { ChatIntegration } from './entities/chat-integration.entity';
export { ChatAccount } from './entities/chat-account.entity';
export { ChatLinkCode } from './entities/chat-link-code.entity';
