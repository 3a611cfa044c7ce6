import express, { type RequestHandler } from 'express';

/** The path the inbound chat routes live under (apps/api mounts the raw parser there, before the JSON parser). */
export const CHAT_INBOUND_PATH = '/api/chatops/inbound';
/** Slack's interactive payloads carry the whole message: generous, but bounded. */
const CHAT_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Keeps the body as the exact bytes the platform signed (any media type: Slack's forms, Discord's and Telegram's
 * JSON); the JSON parser then leaves it alone (body-parser skips a request whose body was read).
 */
export function chatInboundBodyParser(limitBytes: number): RequestHandler {
  return express.raw({ type: () => true, limit: Math.min(limitBytes, CHAT_BODY_LIMIT_BYTES) });
}
