import { z } from 'zod';

import { epochMillisSchema, jobRefSchema, shortTextSchema } from './common.schema';
import { COMMAND_TYPES } from './command.schema';
import { MAX_CAPABILITIES, MAX_ERROR_MESSAGE_LENGTH, MAX_LIVE_FRAME_BYTES } from './protocol.constants';

/** The printer software an agent (or one printer of a gateway) drives. */
export const BACKEND_KINDS = ['octoprint', 'moonraker', 'prusalink', 'bambu'] as const;
export const backendKindSchema = z.enum(BACKEND_KINDS);
export type BackendKind = z.infer<typeof backendKindSchema>;

/** File formats a backend prints: plain G-code, Prusa's binary G-code, Bambu's project 3MF with plate G-code. */
export const UPLOAD_FORMATS = ['gcode', 'bgcode', '3mf'] as const;
export type UploadFormat = (typeof UPLOAD_FORMATS)[number];

/**
 * What an agent can do, announced per printer in `hello`; the server hides actions an agent does not announce.
 * Command types, `frames` (webcam frames for detection), `camera.live` (a live stream the gateway can relay) and
 * `upload.<format>` (which files a dispatch may carry).
 */
export const AGENT_CAPABILITIES = [
  ...COMMAND_TYPES,
  'frames',
  'camera.live',
  ...UPLOAD_FORMATS.map((format) => `upload.${format}` as const),
] as const;
export type AgentCapability = (typeof AGENT_CAPABILITIES)[number];

export const helloSchema = z.object({
  protocolVersion: z.number().int().positive(),
  agentVersion: z.string().min(1).max(64),
  backend: backendKindSchema,
  /**
   * Where the printer is on the agent's LAN, as a label for people (`http://10.0.0.21:7125`, `10.0.0.23`): never
   * a secret (agents strip user info and query). Absent from agents before gateways.
   */
  backendAddress: z.string().max(200).optional(),
  /** null while the backend has not answered yet. */
  backendVersion: z.string().max(64).nullable(),
  capabilities: z.array(z.string().min(1).max(32)).max(MAX_CAPABILITIES),
  hostname: z.string().max(255).optional(),
  startedAt: epochMillisSchema,
});
export type Hello = z.infer<typeof helloSchema>;

export const PRINTER_STATES = [
  'offline',
  'connecting',
  'operational',
  'printing',
  'paused',
  'pausing',
  'cancelling',
  'error',
  'unknown',
] as const;
export const printerStateSchema = z.enum(PRINTER_STATES);
export type PrinterState = z.infer<typeof printerStateSchema>;

/** Whether the agent can talk to its backend (OctoPrint) at all; `offline` above is the printer's serial link. */
export const backendLinkSchema = z.enum(['ok', 'unreachable', 'unauthorized']);
export type BackendLink = z.infer<typeof backendLinkSchema>;

const temperatureValue = z.number().min(-300).max(2_000).nullable();
export const temperatureReadingSchema = z.object({ actual: temperatureValue, target: temperatureValue });
export type TemperatureReading = z.infer<typeof temperatureReadingSchema>;

const seconds = z
  .number()
  .int()
  .nonnegative()
  .max(10 * 365 * 24 * 3600)
  .nullable();

/**
 * One loaded AMS/MMU slot as the printer reports it: the tray index (Bambu: AMS unit * 4 + tray, the index
 * `ams_mapping` uses), the material and the colour (`#RRGGBB`). Empty trays are left out.
 */
export const filamentSlotSchema = z.object({
  slot: z.number().int().min(0).max(254),
  material: z
    .string()
    .max(32)
    .regex(/^[\x20-\x7e]*$/)
    .nullable(),
  colorHex: z
    .string()
    .regex(/^#[0-9A-F]{6}$/)
    .nullable(),
});
export type FilamentSlotReport = z.infer<typeof filamentSlotSchema>;

export const statusSchema = z.object({
  state: printerStateSchema,
  /** The backend's own wording, e.g. "Offline after error". */
  stateText: z.string().max(200).nullable(),
  backend: backendLinkSchema,
  temperatures: z.object({
    tool0: temperatureReadingSchema.nullable(),
    bed: temperatureReadingSchema.nullable(),
  }),
  job: jobRefSchema.nullable(),
  /** Percent, 0..100. */
  progress: z.number().min(0).max(100).nullable(),
  printTime: seconds,
  printTimeLeft: seconds,
  z: z.number().min(-1_000).max(10_000).nullable(),
  error: shortTextSchema.nullable(),
  /** The printer's loaded AMS/MMU slots, for backends that report them (Bambu). Absent: not reported. */
  filamentSlots: z.array(filamentSlotSchema).max(32).optional(),
  sentAt: epochMillisSchema,
});
export type Status = z.infer<typeof statusSchema>;

export const PRINT_EVENT_TYPES = [
  'print.started',
  'print.paused',
  'print.resumed',
  'print.done',
  'print.failed',
  'print.cancelled',
] as const;
export type PrintEventType = (typeof PRINT_EVENT_TYPES)[number];

/** Events carry an id so that the server can drop the duplicates an agent resends after a reconnect. */
export const printEventSchema = z.object({
  id: z.uuid(),
  type: z.enum(PRINT_EVENT_TYPES),
  at: epochMillisSchema,
  job: jobRefSchema.nullable(),
  printTime: seconds.optional(),
  reason: shortTextSchema.nullable().optional(),
  /**
   * Who ended it, as far as the agent knows: `farmhand` (a cancel Farmhand sent), `link_lost` (the printer's host
   * stayed unreachable past the agent's limit; `at` is when the link was lost). Absent: the printer itself.
   */
  origin: z.enum(['farmhand', 'link_lost']).optional(),
});

export const connectionEventSchema = z.object({
  id: z.uuid(),
  type: z.literal('connection.changed'),
  at: epochMillisSchema,
  /** `printer`: the backend's serial link to the printer; `backend`: the agent's link to OctoPrint. */
  link: z.enum(['printer', 'backend']),
  connected: z.boolean(),
  reason: shortTextSchema.nullable().optional(),
});

export const agentEventSchema = z.discriminatedUnion('type', [printEventSchema, connectionEventSchema]);
export type AgentEvent = z.infer<typeof agentEventSchema>;
export type AgentEventType = AgentEvent['type'];

export const COMMAND_ERROR_CODES = [
  /** The printer's state does not allow it (e.g. pause while idle). The server maps it to 409. */
  'invalid_state',
  'invalid_arguments',
  /** Refused by the agent's safety policy (G-code blocklist, temperature limit). */
  'blocked',
  'backend_unreachable',
  'backend_unauthorized',
  'backend_error',
  'not_found',
  'download_failed',
  'checksum_mismatch',
  'too_large',
  'timeout',
  'unsupported',
  'internal',
] as const;
export const commandErrorCodeSchema = z.enum(COMMAND_ERROR_CODES);
export type CommandErrorCode = z.infer<typeof commandErrorCodeSchema>;

export const commandResultSchema = z.discriminatedUnion('ok', [
  z.object({
    id: z.uuid(),
    ok: z.literal(true),
    data: z.record(z.string(), z.unknown()).optional(),
    finishedAt: epochMillisSchema,
  }),
  z.object({
    id: z.uuid(),
    ok: z.literal(false),
    error: z.object({ code: commandErrorCodeSchema, message: z.string().max(MAX_ERROR_MESSAGE_LENGTH) }),
    finishedAt: epochMillisSchema,
  }),
]);
export type CommandResult = z.infer<typeof commandResultSchema>;

/** A JPEG as socket.io delivers binary (a Buffer in Node, a Uint8Array elsewhere), within the live frame limit. */
const liveJpegSchema = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array, { message: 'expected binary JPEG data' })
  .refine((value) => value.byteLength >= 4 && value.byteLength <= MAX_LIVE_FRAME_BYTES, {
    message: `JPEG must be 4..${MAX_LIVE_FRAME_BYTES} bytes`,
  })
  .refine((value) => value[0] === 0xff && value[1] === 0xd8, { message: 'not a JPEG (no SOI marker)' });

export const cameraFrameSchema = z.object({
  /** Counts up per stream; lets a watcher notice dropped frames. */
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  capturedAt: epochMillisSchema,
  jpeg: liveJpegSchema,
});
export type CameraFrame = z.infer<typeof cameraFrameSchema>;
