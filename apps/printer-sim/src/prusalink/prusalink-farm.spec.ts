import { PrusaLinkFarm } from './prusalink-farm';

const KEY = 'sim-prusa-key';

describe('simulated Prusa Link front (per Prusa Link OpenAPI v1)', () => {
  let farm: PrusaLinkFarm;

  beforeEach(async () => {
    farm = new PrusaLinkFarm({ printers: 2, timeScale: 10, apiKey: KEY });
    await farm.start();
  });

  afterEach(() => farm.stop());

  const call = (path: string, init: RequestInit = {}, key: string | null = KEY) =>
    fetch(`${farm.url(0)}${path}`, {
      ...init,
      headers: { ...(key ? { 'X-Api-Key': key } : {}), ...(init.headers as Record<string, string>) },
    });

  const put = (name: string, headers: Record<string, string>, body = ';TIME:600\nG28\n') =>
    call(`/api/v1/files/usb/${encodeURIComponent(name)}`, { method: 'PUT', body, headers });

  it('answers 401 with a Digest challenge for realm "Printer API" without credentials or with a wrong key', async () => {
    for (const key of [null, 'wrong']) {
      const response = await call('/api/v1/status', {}, key);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Digest realm="Printer API", nonce="[^"]+"/);
      expect(await response.json()).toMatchObject({ title: 'Unauthorized' });
    }
  });

  it('reports version, info, storage and an idle status with no job (GET /api/v1/job: 204)', async () => {
    expect(await (await call('/api/version')).json()).toMatchObject({ api: '2.0.0', text: 'PrusaLink' });
    expect(await (await call('/api/v1/info')).json()).toMatchObject({ mmu: false, nozzle_diameter: 0.4 });
    expect(await (await call('/api/v1/storage')).json()).toMatchObject({
      storage_list: [{ path: '/usb', name: 'usb', read_only: false, available: true }],
    });
    const status = (await (await call('/api/v1/status')).json()) as Record<string, Record<string, unknown>>;
    expect(status.printer).toMatchObject({ state: 'IDLE', temp_nozzle: expect.any(Number), target_bed: 0 });
    expect(status.job).toBeUndefined();
    expect((await call('/api/v1/job')).status).toBe(204);
  });

  it('takes PUT uploads per the Print-After-Upload and Overwrite structured-field headers', async () => {
    expect((await put('a.gcode', { 'Print-After-Upload': '?0' })).status).toBe(201);
    expect((await put('a.gcode', { Overwrite: '?0' })).status).toBe(409);
    expect((await put('a.gcode', { Overwrite: 'yes' })).status).toBe(400);
    expect((await put('a.stl', {})).status).toBe(415);
    expect((await call('/api/v1/files/sdcard/a.gcode', { method: 'PUT', body: 'x' })).status).toBe(404);
    expect((await put('a.gcode', { Overwrite: '?1', 'Print-After-Upload': '?1' })).status).toBe(201);
    const status = (await (await call('/api/v1/status')).json()) as { printer: { state: string }; job: { id: number } };
    expect(status.printer.state).toBe('PRINTING');
    const job = (await (await call('/api/v1/job')).json()) as Record<string, unknown>;
    expect(job).toMatchObject({ id: status.job.id, state: 'PRINTING', file: { display_name: 'a.gcode' } });
    expect((await put('b.gcode', { 'Print-After-Upload': '?1' })).status).toBe(409);
  });

  it('pauses, resumes and stops a job only by its current id', async () => {
    await put('a.gcode', { 'Print-After-Upload': '?1' });
    const { job } = (await (await call('/api/v1/status')).json()) as { job: { id: number } };
    expect((await call(`/api/v1/job/${job.id + 1}/pause`, { method: 'PUT' })).status).toBe(404);
    expect((await call(`/api/v1/job/${job.id}/resume`, { method: 'PUT' })).status).toBe(409);
    expect((await call(`/api/v1/job/${job.id}/pause`, { method: 'PUT' })).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(farm.state(0)).toBe('PAUSED');
    expect((await call(`/api/v1/job/${job.id}/resume`, { method: 'PUT' })).status).toBe(204);
    expect((await call(`/api/v1/job/${job.id}`, { method: 'DELETE' })).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(farm.state(0)).toBe('STOPPED');
  });

  it('serves a JPEG snapshot at /api/v1/cameras/snap', async () => {
    const response = await call('/api/v1/cameras/snap');
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });
});
