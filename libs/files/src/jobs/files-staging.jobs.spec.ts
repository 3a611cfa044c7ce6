import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalDiskFileStorage } from '../storage/local-disk-file-storage';
import { FilesStagingJobs, STAGING_MAX_IDLE_MINUTES } from './files-staging.jobs';

describe('files.staging.prune', () => {
  let dataDir: string;
  let storage: LocalDiskFileStorage;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-staging-'));
    storage = new LocalDiskFileStorage({ dataDir });
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function stage(content: string, idleMinutes: number) {
    const staged = await storage.stage();
    await pipeline(Readable.from([content]), staged.stream);
    const staging = join(dataDir, 'gcode', '.staging');
    const at = new Date(Date.now() - idleMinutes * 60_000);
    for (const name of await readdir(staging))
      if ((await readFile(join(staging, name), 'utf8')) === content) await utimes(join(staging, name), at, at);
    return staged;
  }

  it('removes the staging files of uploads interrupted over an hour ago, and keeps uploads still going', async () => {
    await stage('interrupted yesterday', 24 * 60);
    await stage('interrupted 61 minutes ago', 61);
    const going = await stage('still uploading', 5);
    const committed = await stage('committed', 0);
    await committed.commit(createHash('sha256').update('committed').digest('hex'));

    const outcome = await new FilesStagingJobs(storage).pruneStaging({
      orgId: null,
      olderThanMinutes: STAGING_MAX_IDLE_MINUTES,
    });

    expect(outcome).toEqual({ status: 'pruned', removed: 2 });
    const staging = join(dataDir, 'gcode', '.staging');
    const left = await Promise.all((await readdir(staging)).map((name) => readFile(join(staging, name), 'utf8')));
    expect(left).toEqual(['still uploading']);
    await going.discard();
  });

  it('does nothing when no upload was ever staged', async () => {
    expect(await new FilesStagingJobs(storage).pruneStaging({ orgId: null, olderThanMinutes: 60 })).toEqual({
      status: 'pruned',
      removed: 0,
    });
  });
});
