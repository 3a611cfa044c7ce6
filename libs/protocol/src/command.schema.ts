import { z } from 'zod';

import { copyIdSchema, epochMillisSchema, safeFileNameSchema, sha256Schema } from './common.schema';
import {
  MAX_BED_TEMPERATURE,
  MAX_DISPATCH_BYTES,
  MAX_GCODE_LINE_LENGTH,
  MAX_GCODE_LINES,
  MAX_JOG_DISTANCE_MM,
  MAX_TOOL_TEMPERATURE,
  MAX_URL_LENGTH,
} from './protocol.constants';

export const COMMAND_TYPES = [
  'start',
  'pause',
  'resume',
  'cancel',
  'home',
  'jog',
  'temperature',
  'gcode',
  'connect',
  'disconnect',
  'snapshot',
  'dispatch',
  /** M112 / Moonraker `printer.emergency_stop`: halts the firmware at once. Its own permission, never `cancel`'s. */
  'emergency_stop',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

const noArgs = z.object({}).default({});
const jogDistance = z.number().min(-MAX_JOG_DISTANCE_MM).max(MAX_JOG_DISTANCE_MM);

/** The id that ties a command to the request or job that caused it, for logs only (never trusted for anything). */
export const correlationIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'letters, digits and ._:- only');

const base = {
  id: z.uuid(),
  issuedAt: epochMillisSchema.optional(),
  /** After this instant the agent answers `timeout` instead of acting (the server has given up). */
  expiresAt: epochMillisSchema.optional(),
  /** The server's correlation id (HTTP request, job), logged by the agent with the command. */
  correlationId: correlationIdSchema.optional(),
};

export const startArgsSchema = noArgs;
export const homeArgsSchema = z
  .object({
    axes: z
      .array(z.enum(['x', 'y', 'z']))
      .min(1)
      .max(3),
  })
  .default({ axes: ['x', 'y', 'z'] });
export const jogArgsSchema = z
  .object({
    x: jogDistance.optional(),
    y: jogDistance.optional(),
    z: jogDistance.optional(),
    absolute: z.boolean().default(false),
    /** mm/min */
    speed: z.number().int().positive().max(30_000).optional(),
  })
  .refine((args) => args.x !== undefined || args.y !== undefined || args.z !== undefined, 'jog needs x, y or z');
export const temperatureArgsSchema = z.discriminatedUnion('heater', [
  z.object({ heater: z.literal('tool0'), target: z.number().min(0).max(MAX_TOOL_TEMPERATURE) }),
  z.object({ heater: z.literal('bed'), target: z.number().min(0).max(MAX_BED_TEMPERATURE) }),
]);
export const gcodeArgsSchema = z.object({
  lines: z
    .array(
      z
        .string()
        .min(1)
        .max(MAX_GCODE_LINE_LENGTH)
        .regex(/^[^\r\n\0]+$/, 'one G-code command per line, no line breaks'),
    )
    .min(1)
    .max(MAX_GCODE_LINES),
});
export const connectArgsSchema = z
  .object({
    port: z.string().min(1).max(200).optional(),
    baudrate: z.number().int().positive().max(10_000_000).optional(),
    printerProfile: z.string().min(1).max(100).optional(),
  })
  .default({});
export const dispatchArgsSchema = z.object({
  /** Short-lived signed URL; it is a secret, so agents never log its query string. */
  url: z.url({ protocol: /^https?$/ }).max(MAX_URL_LENGTH),
  sha256: sha256Schema,
  fileName: safeFileNameSchema,
  size: z.number().int().positive().max(MAX_DISPATCH_BYTES),
  copyId: copyIdSchema.optional(),
  /** Select and start the print once uploaded (default), or only upload and select. */
  print: z.boolean().default(true),
  /** Bambu Lab project 3MF: the plate to print, whether to feed from the AMS, the AMS slot per filament. */
  bambu: z
    .object({
      plate: z.number().int().min(1).max(64),
      useAms: z.boolean(),
      amsMapping: z.array(z.number().int().min(-1).max(15)).max(32),
    })
    .optional(),
});

export const commandSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('start'), args: startArgsSchema }),
  z.object({ ...base, type: z.literal('pause'), args: noArgs }),
  z.object({ ...base, type: z.literal('resume'), args: noArgs }),
  z.object({ ...base, type: z.literal('cancel'), args: noArgs }),
  z.object({ ...base, type: z.literal('home'), args: homeArgsSchema }),
  z.object({ ...base, type: z.literal('jog'), args: jogArgsSchema }),
  z.object({ ...base, type: z.literal('temperature'), args: temperatureArgsSchema }),
  z.object({ ...base, type: z.literal('gcode'), args: gcodeArgsSchema }),
  z.object({ ...base, type: z.literal('connect'), args: connectArgsSchema }),
  z.object({ ...base, type: z.literal('disconnect'), args: noArgs }),
  z.object({ ...base, type: z.literal('snapshot'), args: noArgs }),
  z.object({ ...base, type: z.literal('dispatch'), args: dispatchArgsSchema }),
  z.object({ ...base, type: z.literal('emergency_stop'), args: noArgs }),
]);
export type Command = z.infer<typeof commandSchema>;
/** What a server builds before zod applies defaults (e.g. `args` may be omitted for argument-less commands). */
export type CommandInput = z.input<typeof commandSchema>;
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
export type DispatchArgs = z.infer<typeof dispatchArgsSchema>;
export type JogArgs = z.infer<typeof jogArgsSchema>;
export type TemperatureArgs = z.infer<typeof temperatureArgsSchema>;
