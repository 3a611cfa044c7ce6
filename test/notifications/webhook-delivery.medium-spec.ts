import { randomBytes, randomUUID } from 'node:crypto';
import { DomainEvents, JobQueue } from '@farmhand/core';
import { createTeam, signUpUser, type Team, createWebhook, type Schemas } from '@farmhand/factories';
import { MAX_DELIVERY_ATTEMPTS, verifyWebhook } from '@farmhand/notifications';
import { REDIS_URL, type HttpClient, waitFor } from '@farmhand/testing';
import { QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import { Receiver, startFarm, type Farm } from './webhook-harness';

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event: string;
  payload: Record<string, any>;
  status: string;
  attempts: number;
  response_status: number | null;
  error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

/** The api records deliveries where events happen; the real worker sends them to a local receiver over HTTP. */
describe('webhook deliveries', () => {
  let farm: Farm;
  let team: Team;
  let receiver: Receiver;
  const secrets: string[] = [];

  beforeAll(async () => {
    receiver = await new Receiver().start();
    farm = await startFarm({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' }, { worker: true });
    team = await createTeam(farm.api, 'Delivery Farm');
  });
  afterAll(async () => {
    await farm.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    receiver.requests.length = 0;
    receiver.respond = () => 200;
    await db().query(`DELETE FROM webhooks`);
  });

  const db = () => farm.api.app.get(DataSource);
  const queue = () => farm.worker!.get(JobQueue).queueFor('webhook.deliver');
  const base = (orgId = team.orgId) => `/api/orgs/${orgId}/webhooks`;

  async function register(path: string, events: string[], client: HttpClient = team.owner.client, orgId = team.orgId) {
    const webhook = await createWebhook(client, orgId, {
      url: `${receiver.url}${path}`,
      events: events as Schemas['WebhookEvent'][],
    });
    secrets.push(webhook.secret);
    return webhook;
  }
  async function delivery(id: string): Promise<DeliveryRow> {
    const [row] = await db().query(`SELECT * FROM webhook_deliveries WHERE id = $1`, [id]);
    return row;
  }
  async function sendTest(webhookId: string): Promise<string> {
    const response = await team.owner.client.post(`${base()}/${webhookId}/test`);
    expect(response.status).toBe(202);
    return response.body.id;
  }
  /** Skips a retry's backoff: waits until BullMQ holds the job as delayed, then makes it run now. */
  async function promoteRetry(deliveryId: string): Promise<void> {
    const job = await waitFor(async () => {
      const found = await queue().getJob(deliveryId);
      return found && (await found.getState()) === 'delayed' ? found : undefined;
    }, `delivery ${deliveryId} to wait for its retry`);
    await job.promote();
  }

  it('signs each delivery so it verifies with the secret from creation (and after rotation, only the new one)', async () => {
    const { id, secret } = await register('/signed', ['print.done']);
    const deliveryId = await sendTest(id);
    const [request] = await waitFor(
      () => receiver.on('/signed').length === 1 && receiver.on('/signed'),
      'the test delivery',
    );
    const headers = request!.headers;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['user-agent']).toBe('Farmhand-Webhooks');
    expect(headers['x-farmhand-event']).toBe('webhook.test');
    expect(headers['x-farmhand-delivery']).toBe(deliveryId);
    const signed = {
      signature: headers['x-farmhand-signature'] as string,
      timestamp: headers['x-farmhand-timestamp'] as string,
    };
    expect(signed.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, signed, request!.body)).toBe(true);
    expect(verifyWebhook(secret, signed, request!.body.replace('webhook.test', 'print.done'))).toBe(false);

    const row = await waitFor(
      async () => ((await delivery(deliveryId)).status === 'delivered' ? delivery(deliveryId) : undefined),
      'delivered',
    );
    expect(JSON.parse(request!.body)).toEqual({
      id: deliveryId,
      event: 'webhook.test',
      createdAt: row.created_at.toISOString(),
      orgId: team.orgId,
      data: { webhookId: id, message: expect.any(String) },
    });
    expect(row).toMatchObject({ attempts: 1, response_status: 200, error: null, delivered_at: expect.any(Date) });
    const listed = await team.owner.client.get(`${base()}/${id}/deliveries`);
    expect(listed.body.items).toEqual([
      {
        id: deliveryId,
        event: 'webhook.test',
        status: 'delivered',
        attempts: 1,
        responseStatus: 200,
        error: null,
        createdAt: row.created_at.toISOString(),
        deliveredAt: row.delivered_at!.toISOString(),
      },
    ]);
    const webhooks = await team.owner.client.get(base());
    expect(webhooks.body.items[0]).toMatchObject({ lastStatus: 'delivered', lastDeliveryAt: expect.any(String) });

    const rotated = await team.owner.client.post(`${base()}/${id}/rotate-secret`);
    secrets.push(rotated.body.secret);
    await sendTest(id);
    const [, second] = await waitFor(
      () => receiver.on('/signed').length === 2 && receiver.on('/signed'),
      'the second delivery',
    );
    const secondSigned = {
      signature: second!.headers['x-farmhand-signature'] as string,
      timestamp: second!.headers['x-farmhand-timestamp'] as string,
    };
    expect(verifyWebhook(rotated.body.secret, secondSigned, second!.body)).toBe(true);
    expect(verifyWebhook(secret, secondSigned, second!.body)).toBe(false);
  });

  it('retries after a 500 then delivered, with the same delivery id and body', async () => {
    const { id } = await register('/flaky', ['print.done']);
    receiver.respond = () => (receiver.on('/flaky').length === 1 ? 500 : 200);
    const deliveryId = await sendTest(id);

    const afterFirst = await waitFor(async () => {
      const row = await delivery(deliveryId);
      return row.attempts === 1 ? row : undefined;
    }, 'the first try recorded');
    expect(afterFirst).toMatchObject({ status: 'pending', response_status: 500, error: 'HTTP 500: receiver says no' });
    const job = (await queue().getJob(deliveryId))!;
    expect(job.opts).toMatchObject({ attempts: 8, backoff: { type: 'exponential', delay: 10_000 } });

    await promoteRetry(deliveryId);
    const delivered = await waitFor(async () => {
      const row = await delivery(deliveryId);
      return row.status === 'delivered' ? row : undefined;
    }, 'delivered');
    expect(delivered).toMatchObject({ attempts: 2, response_status: 200, error: null });
    const tries = receiver.on('/flaky');
    expect(tries).toHaveLength(2);
    expect(tries.map((request) => request.headers['x-farmhand-delivery'])).toEqual([deliveryId, deliveryId]);
    expect(tries[1]!.body).toBe(tries[0]!.body);
  });

  it('records the final failure after the last try', async () => {
    const { id } = await register('/down', ['print.done']);
    receiver.respond = () => 503;
    const deliveryId = await sendTest(id);
    for (let retry = 1; retry < MAX_DELIVERY_ATTEMPTS; retry++) await promoteRetry(deliveryId);

    const failed = await waitFor(async () => {
      const row = await delivery(deliveryId);
      return row.status === 'failed' ? row : undefined;
    }, 'failed for good');
    expect(MAX_DELIVERY_ATTEMPTS).toBe(8);
    expect(failed).toMatchObject({
      attempts: 8,
      response_status: 503,
      error: 'HTTP 503: receiver says no',
      delivered_at: null,
    });
    expect(receiver.on('/down')).toHaveLength(8);
    // The row says failed from inside the last try; BullMQ marks the job completed just after it returns.
    const job = (await queue().getJob(deliveryId))!;
    await waitFor(async () => (await job.getState()) === 'completed', 'the delivery job completed');
    const webhooks = await team.owner.client.get(base());
    expect(webhooks.body.items[0]).toMatchObject({ id, lastStatus: 'failed' });
  });

  it('refuses at delivery time a webhook whose address is the cloud metadata service (SSRF), without retrying', async () => {
    const { id } = await register('/fine', ['print.done']);
    // As if the row predated the rule (or was written around the API): the worker checks again on its own.
    await db().query(`UPDATE webhooks SET url = 'http://169.254.169.254/latest/meta-data/' WHERE id = $1`, [id]);
    const deliveryId = await sendTest(id);
    const failed = await waitFor(async () => {
      const row = await delivery(deliveryId);
      return row.status === 'failed' ? row : undefined;
    }, 'refused');
    expect(failed).toMatchObject({ attempts: 1, response_status: null });
    expect(failed.error).toContain('169.254.169.254 is not allowed');
  });

  it('each mapped domain event produces a delivery, for each enabled webhook of the organization subscribed to it', async () => {
    const all = ['alert.raised', 'print.paused_by_detector', 'print.done', 'print.failed', 'printer.offline'];
    const everything = await register('/all', all);
    const doneOnly = await register('/done', ['print.done']);
    const disabled = await register('/off', all);
    expect((await team.owner.client.patch(`${base()}/${disabled.id}`, { enabled: false })).status).toBe(200);
    const stranger = await signUpUser(farm.api, { organizationName: 'Stranger Farm' });
    await register('/stranger', all, stranger.client, stranger.orgId!);

    const [file] = await db().query(
      `INSERT INTO gcode_files (org_id, name, sha256, size_bytes, metadata)
       VALUES ($1, 'benchy.gcode', $2, 1234, '{}') RETURNING id`,
      [team.orgId, randomBytes(32).toString('hex')],
    );
    const [job] = await db().query(
      `INSERT INTO print_jobs (org_id, file_id, name, copies, position) VALUES ($1, $2, 'Benchy x3', 3, 1) RETURNING id`,
      [team.orgId, file.id],
    );
    const copy = async (number: number, state: string, printerId: string | null) =>
      (
        await db().query(
          `INSERT INTO print_copies (org_id, job_id, number, state, printer_id, attempt, started_at, finished_at,
                                     failure_reason)
           VALUES ($1, $2, $3, $4, $5, 1, now() - interval '1 hour', now(), $6) RETURNING id`,
          [team.orgId, job.id, number, state, printerId, state === 'failed' ? 'detector_confirmed' : null],
        )
      )[0].id as string;
    const good = await copy(1, 'done', null);
    const bad = await copy(2, 'failed', null);
    const cancelled = await copy(3, 'cancelled', null);
    await db().query(`UPDATE print_copies SET printer_id = $2 WHERE id = $1`, [good, team.printerA.id]);

    const events = farm.api.app.get(DomainEvents);
    const at = new Date().toISOString();
    const alertId = randomUUID();
    const printer = team.printerA.id;
    const boxes = [{ x: 0.5, y: 0.25, w: 0.25, h: 0.5, score: 0.93 }];
    const moved = (copyId: string, from: string, to: string) =>
      events.emit('printCopy.stateChanged', {
        orgId: team.orgId,
        jobId: job.id,
        copyId,
        printerId: printer,
        from: from as never,
        to: to as never,
      });
    events.emit('detection.alertRaised', {
      orgId: team.orgId,
      printerId: printer,
      alertId,
      level: 'pause',
      score: 0.93,
      copyId: good,
      frameId: null,
      boxes,
      at,
    });
    events.emit('detection.printPaused', {
      orgId: team.orgId,
      printerId: printer,
      alertId,
      copyId: good,
      frameId: null,
      boxes,
      at,
    });
    events.emit('printer.offline', { orgId: team.orgId, printerId: team.printerB.id });
    moved(good, 'printing', 'awaiting_bed_clear');
    moved(good, 'awaiting_bed_clear', 'done'); // clearing the bed is not a second print
    moved(bad, 'printing', 'failed');
    moved(cancelled, 'printing', 'cancelled'); // not a failure
    events.emit('printJob.created', { orgId: team.orgId, jobId: job.id, copies: 3 });

    const received = await waitFor(
      () => (receiver.on('/all').length === 5 && receiver.on('/done').length === 1 ? receiver.on('/all') : undefined),
      'every delivery',
    );
    const byEvent: Record<string, any> = Object.fromEntries(
      received.map((request) => [request.headers['x-farmhand-event'], JSON.parse(request.body)]),
    );
    expect(Object.keys(byEvent).sort()).toEqual([...all].sort());
    expect(byEvent['alert.raised'].data).toEqual({
      alertId,
      level: 'pause',
      score: 0.93,
      printerId: printer,
      printerName: team.printerA.name,
      fleetId: team.fleetA,
      copyId: good,
      frameId: null,
      boxes,
      at,
    });
    expect(byEvent['print.paused_by_detector'].data).toMatchObject({
      alertId,
      printerId: printer,
      copyId: good,
      boxes,
      at,
    });
    expect(byEvent['printer.offline'].data).toMatchObject({
      printerId: team.printerB.id,
      printerName: team.printerB.name,
      fleetId: team.fleetB,
      at: expect.any(String),
    });
    expect(byEvent['print.done'].data).toMatchObject({
      jobId: job.id,
      jobName: 'Benchy x3',
      copyId: good,
      copyNumber: 1,
      copies: 3,
      printerId: printer,
      printerName: team.printerA.name,
      durationSeconds: 3600,
      state: 'awaiting_bed_clear',
    });
    expect(byEvent['print.failed'].data).toMatchObject({
      copyId: bad,
      copyNumber: 2,
      failureReason: 'detector_confirmed',
      state: 'failed',
    });
    for (const payload of Object.values(byEvent)) expect(payload.orgId).toBe(team.orgId);
    expect(JSON.parse(receiver.on('/done')[0]!.body).data.copyId).toBe(good);

    const counts: { webhook_id: string; count: string }[] = await db().query(
      `SELECT webhook_id, count(*) FROM webhook_deliveries GROUP BY webhook_id`,
    );
    expect(Object.fromEntries(counts.map((row) => [row.webhook_id, Number(row.count)]))).toEqual({
      [everything.id]: 5,
      [doneOnly.id]: 1,
    });
    expect(receiver.on('/off')).toHaveLength(0);
    expect(receiver.on('/stranger')).toHaveLength(0);

    // The worker emits copy moves too (a dispatch that failed for good): its own listener records them.
    farm.worker!.get(DomainEvents).emit('printCopy.stateChanged', {
      orgId: team.orgId,
      jobId: job.id,
      copyId: bad,
      printerId: null,
      from: 'uploading',
      to: 'failed',
    });
    const fromWorker = await waitFor(
      () => receiver.on('/all').length === 6 && receiver.on('/all'),
      'the worker-side event',
    );
    expect(fromWorker[5]!.headers['x-farmhand-event']).toBe('print.failed');
    expect(JSON.parse(fromWorker[5]!.body).data).toMatchObject({ copyId: bad, from: 'uploading' });
  });

  it('queues deliveries whose enqueue was lost and prunes the log past retention (webhook.maintain)', async () => {
    const { id } = await register('/swept', ['print.done']);
    const [lost] = await db().query(
      `INSERT INTO webhook_deliveries (org_id, webhook_id, event, payload, created_at)
       VALUES ($1, $2, 'print.done', '{"copyId":"lost"}', now() - interval '10 minutes') RETURNING id`,
      [team.orgId, id],
    );
    const [ancient] = await db().query(
      `INSERT INTO webhook_deliveries (org_id, webhook_id, event, payload, status, created_at)
       VALUES ($1, $2, 'print.done', '{}', 'delivered', now() - interval '40 days') RETURNING id`,
      [team.orgId, id],
    );
    const jobs = farm.worker!.get(JobQueue);
    const queued = await jobs.enqueue('webhook.maintain', { orgId: null, retentionDays: 30 }, { attempts: 1 });
    const events = new QueueEvents(jobs.queueFor('webhook.maintain').name, {
      connection: { url: REDIS_URL } as never,
      prefix: `${farm.api.config.REDIS_PREFIX}:bull`,
    });
    await events.waitUntilReady();
    const job = await jobs.queueFor('webhook.maintain').getJob(queued!);
    const outcome = await job!.waitUntilFinished(events, 30_000);
    await events.close();
    expect(outcome).toMatchObject({ status: 'maintained', requeued: 1, pruned: 1 });
    await waitFor(async () => (await delivery(lost.id)).status === 'delivered', 'the lost delivery sent');
    expect(JSON.parse(receiver.on('/swept')[0]!.body).data).toEqual({ copyId: 'lost' });
    expect(await delivery(ancient.id)).toBeUndefined();
  });

  it('never writes a webhook secret to the logs', () => {
    expect(secrets.length).toBeGreaterThan(5);
    const logs = farm.logs();
    expect(logs).toContain('webhook delivered');
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
