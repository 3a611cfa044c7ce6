import type { HttpClient } from '@farmhand/testing';
import type { Schemas } from './contract';
import { uploadGcode, type GcodeSpec } from './gcode-file.factory';
import { created } from './http-factory';

export type CreatedPrintJob = Schemas['JobDto'] & { copyIds: string[] };

/**
 * A print job through the API, with its copies' ids (in copy order). Without a `fileId`, a fresh G-code file is
 * uploaded first (`file` describes it).
 */
export async function createPrintJob(
  client: HttpClient,
  orgId: string,
  overrides: Partial<Schemas['CreateJobDto']> & { file?: GcodeSpec } = {},
): Promise<CreatedPrintJob> {
  const { file, ...fields } = overrides;
  const fileId = fields.fileId ?? (await uploadGcode(client, orgId, file)).id;
  const job = created<Schemas['JobDto']>(
    'print job',
    await client.post(`/api/orgs/${orgId}/jobs`, { copies: 1, ...fields, fileId }),
  );
  const detail = await client.get(`/api/orgs/${orgId}/jobs/${job.id}`);
  const copies = created<{ copyList: Array<{ id: string }> }>('job detail', detail, 200).copyList;
  return { ...job, copyIds: copies.map((copy) => copy.id) };
}
