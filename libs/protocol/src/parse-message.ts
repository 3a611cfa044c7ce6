import { type z } from 'zod';

import {
  agentEventSchema,
  cameraFrameSchema,
  commandResultSchema,
  helloSchema,
  statusSchema,
} from './agent-messages.schema';
import type { AgentEvent, CameraFrame, CommandResult, Hello, Status } from './agent-messages.schema';
import { commandSchema } from './command.schema';
import type { Command } from './command.schema';
import { protocolErrorSchema } from './protocol-error.schema';
import type { ProtocolError, ProtocolErrorCode } from './protocol-error.schema';
import {
  AGENT_EVENTS,
  MAX_ERROR_MESSAGE_LENGTH,
  MAX_LIVE_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  SERVER_EVENTS,
  SUPPORTED_PROTOCOL_VERSIONS,
} from './protocol.constants';
import { agentSettingsSchema, cameraStreamSchema, serverClosingSchema, welcomeSchema } from './server-messages.schema';
import type { AgentSettings, CameraStream, ServerClosing, Welcome } from './server-messages.schema';

export type AgentMessage =
  | { event: typeof AGENT_EVENTS.hello; data: Hello }
  | { event: typeof AGENT_EVENTS.status; data: Status }
  | { event: typeof AGENT_EVENTS.event; data: AgentEvent }
  | { event: typeof AGENT_EVENTS.commandResult; data: CommandResult }
  | { event: typeof AGENT_EVENTS.protocolError; data: ProtocolError }
  | { event: typeof AGENT_EVENTS.cameraFrame; data: CameraFrame };

export type ServerMessage =
  | { event: typeof SERVER_EVENTS.welcome; data: Welcome }
  | { event: typeof SERVER_EVENTS.command; data: Command }
  | { event: typeof SERVER_EVENTS.protocolError; data: ProtocolError }
  | { event: typeof SERVER_EVENTS.closing; data: ServerClosing }
  | { event: typeof SERVER_EVENTS.settings; data: AgentSettings }
  | { event: typeof SERVER_EVENTS.cameraStream; data: CameraStream };

/** `error` is ready to be sent back to the peer as a `protocol_error` message. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

const agentSchemas: Record<string, z.ZodType> = {
  [AGENT_EVENTS.hello]: helloSchema,
  [AGENT_EVENTS.status]: statusSchema,
  [AGENT_EVENTS.event]: agentEventSchema,
  [AGENT_EVENTS.commandResult]: commandResultSchema,
  [AGENT_EVENTS.protocolError]: protocolErrorSchema,
  [AGENT_EVENTS.cameraFrame]: cameraFrameSchema,
};

const serverSchemas: Record<string, z.ZodType> = {
  [SERVER_EVENTS.welcome]: welcomeSchema,
  [SERVER_EVENTS.command]: commandSchema,
  [SERVER_EVENTS.protocolError]: protocolErrorSchema,
  [SERVER_EVENTS.closing]: serverClosingSchema,
  [SERVER_EVENTS.settings]: agentSettingsSchema,
  [SERVER_EVENTS.cameraStream]: cameraStreamSchema,
};

/** Validates a message an agent sent. Never throws, whatever `event` and `payload` are. */
export function parseAgentMessage(event: unknown, payload: unknown): ParseResult<AgentMessage> {
  const result = parseWith(agentSchemas, event, payload);
  if (result.ok && result.value.event === AGENT_EVENTS.hello) {
    const version = (result.value.data as Hello).protocolVersion;
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return failure('unsupported_version', `protocol version ${version} is not supported`, event, payload);
    }
  }
  return result as ParseResult<AgentMessage>;
}

/** Validates a message the server sent. Never throws, whatever `event` and `payload` are. */
export function parseServerMessage(event: unknown, payload: unknown): ParseResult<ServerMessage> {
  return parseWith(serverSchemas, event, payload) as ParseResult<ServerMessage>;
}

/**
 * Serialized size in bytes, or null when the value cannot be serialized (cycles, BigInt, too deep). Binary values
 * (socket.io sends them as attachments) count as their byte length.
 */
export function messageSize(payload: unknown): number | null {
  try {
    let binary = 0;
    const json = JSON.stringify(payload, function (this: Record<string, unknown>, key: string, value: unknown) {
      const original = this[key];
      if (original instanceof Uint8Array || original instanceof ArrayBuffer) {
        binary += original.byteLength;
        return null;
      }
      return value;
    });
    return (json === undefined ? 0 : Buffer.byteLength(json, 'utf8')) + binary;
  } catch {
    return null;
  }
}

/** Largest message per event: a live frame carries its JPEG, everything else stays small. */
function maxBytesOf(event: string): number {
  return event === AGENT_EVENTS.cameraFrame ? MAX_LIVE_FRAME_BYTES + 1_024 : MAX_MESSAGE_BYTES;
}

function parseWith(
  schemas: Record<string, z.ZodType>,
  event: unknown,
  payload: unknown,
): ParseResult<{ event: string; data: unknown }> {
  try {
    if (typeof event !== 'string' || !Object.hasOwn(schemas, event)) {
      return failure('unknown_event', `unknown event ${describeEvent(event)}`, event, payload);
    }
    const size = messageSize(payload);
    if (size === null) return failure('malformed', 'payload is not serializable JSON', event, payload);
    const max = maxBytesOf(event);
    if (size > max) return failure('too_large', `payload of ${size} bytes exceeds ${max}`, event, payload);
    const parsed = schemas[event].safeParse(payload);
    if (!parsed.success) return failure('malformed', summarizeIssues(parsed.error), event, payload);
    return { ok: true, value: { event, data: parsed.data } };
  } catch (error) {
    // zod should not throw on safeParse; this guards against exotic inputs (throwing getters, proxies).
    return failure('malformed', `payload could not be validated: ${String(error)}`, event, undefined);
  }
}

function failure(
  code: ProtocolErrorCode,
  message: string,
  event: unknown,
  payload: unknown,
): { ok: false; error: ProtocolError } {
  const error: ProtocolError = { code, message: truncate(message, MAX_ERROR_MESSAGE_LENGTH) };
  if (typeof event === 'string') error.event = truncate(event, 64);
  const id = readId(payload);
  if (id !== undefined) error.id = id;
  return { ok: false, error };
}

function readId(payload: unknown): string | undefined {
  try {
    if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
      const id = (payload as { id?: unknown }).id;
      if (typeof id === 'string' && id.length > 0 && id.length <= 64) return id;
    }
  } catch {
    // A throwing getter: no id to report.
  }
  return undefined;
}

function summarizeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

function describeEvent(event: unknown): string {
  return typeof event === 'string' ? JSON.stringify(truncate(event, 64)) : `of type ${typeof event}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
