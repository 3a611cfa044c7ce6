export const CHAT_SECRET_CIPHER = Symbol('CHAT_SECRET_CIPHER');
export const DISCORD_SENDER = Symbol('DISCORD_SENDER');
