import { z } from 'zod';

import { MAX_FILE_NAME_LENGTH, MAX_PATH_LENGTH, MAX_TEXT_LENGTH } from './protocol.constants';

/** Unix epoch milliseconds. */
export const epochMillisSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const sha256Schema = z.string().regex(/^[a-f0-9]{64}$/, 'expected a lowercase hex SHA-256 digest');

/** A plain file name (no folders): what the agent may create on the printer's storage, in a format some backend prints. */
export const safeFileNameSchema = z
  .string()
  .min(1)
  .max(MAX_FILE_NAME_LENGTH)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ ()+-]*$/, 'file name may use letters, digits, space and ._()+-')
  .refine((name) => !name.includes('..'), 'file name must not contain ".."')
  .refine(
    (name) => /\.(gcode|gco|g|bgcode|3mf)$/i.test(name),
    'file name must end in .gcode, .gco, .g, .bgcode or .3mf',
  );

/** A path as OctoPrint reports it (may contain folders); informational only. */
export const reportedPathSchema = z.string().min(1).max(MAX_PATH_LENGTH);

export const shortTextSchema = z.string().max(MAX_TEXT_LENGTH);

export const copyIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

/** The file being printed, and what Farmhand knows about it when it was dispatched by Farmhand. */
export const jobRefSchema = z.object({
  fileName: reportedPathSchema,
  sha256: sha256Schema.optional(),
  copyId: copyIdSchema.optional(),
});
export type JobRef = z.infer<typeof jobRefSchema>;
