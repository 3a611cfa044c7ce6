/**
 * @jest-environment ./apps/inference/src/model/testing/onnx-test.environment.ts
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DetectionChainService, FrameStorage, FramesRepository } from '@farmhand/detection';
import { createTeam, type Team } from '@farmhand/factories';
import { startApi, startInference, waitFor, type ApiHarness, type RoleHarness } from '@farmhand/testing';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { jpegFrame } from '../detection/frame-images';
import { ensureWebBuild, launchBrowser, newUser, screenshot, signIn } from './browser-harness';

/**
 * Issue 12 point 8 in the browser: a farm teaches its own detector. An admin labels frames on the printer page (the
 * latest snapshot and an alert's frame), the rest through the API, trains a head on the inference role, sees the
 * candidate beside the current head, activates it and rolls back; an operator labels but never trains; a viewer sees
 * neither the Detector page nor a label button.
 */
describe('the detector page and frame labels', () => {
  let api: ApiHarness;
  let inference: RoleHarness;
  let browser: Browser;
  let team: Team;
  let dataDir: string;
  /** Frames of earlier prints, labelled through the API. */
  const prepared: Array<{ id: string; label: 'failure' | 'ok' }> = [];

  beforeAll(async () => {
    ensureWebBuild();
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-detector-'));
    api = await startApi({ DATA_DIR: dataDir, DETECTION_WARMUP_FRAMES: '0' });
    inference = await startInference({ INFERENCE_BATCH_WAIT_MS: '20' }, { api });
    team = await createTeam(api, 'Teaching farm');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await inference?.close();
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const detector = async () => (await team.owner.client.get(`/api/orgs/${team.orgId}/detector`)).body;

  /** A stored webcam frame of one print, its JPEG on disk, as the agent's upload would leave it. */
  async function storeFrame(
    printer: { id: string },
    printKey: string,
    level: number,
    takenAt = new Date(),
  ): Promise<string> {
    const storage = api.app.get(FrameStorage);
    const frames = api.app.get(FramesRepository);
    const jpeg = await jpegFrame(320, 240, level);
    const id = randomUUID();
    const storagePath = storage.pathFor(team.orgId, printer.id, id, takenAt);
    await storage.write(storagePath, jpeg);
    await api.app.get(DataSource).transaction((manager) =>
      frames.insert(manager, {
        id,
        orgId: team.orgId,
        printerId: printer.id,
        printKey,
        takenAt,
        bytes: jpeg.length,
        width: 320,
        height: 240,
        storagePath,
      }),
    );
    return id;
  }

  /** Scores frames of one print through the detection chain, as the inference role would: the last ones warn. */
  async function raiseWarning(printer: Team['printerA']): Promise<void> {
    const dataSource = api.app.get(DataSource);
    const chain = api.app.get(DetectionChainService);
    const frames = api.app.get(FramesRepository);
    const [{ detection }] = await dataSource.query(`SELECT detection FROM printers WHERE id = $1`, [printer.id]);
    const scores = [...Array<number>(40).fill(0.02), ...Array<number>(20).fill(0.98)];
    for (const [index, score] of scores.entries()) {
      const id = await storeFrame(
        printer,
        'print:alerted',
        score > 0.5 ? 200 : 90,
        new Date(Date.now() - 60_000 + index),
      );
      const frame = (await frames.findInOrg(team.orgId, id))!;
      await chain.onScored(
        {
          frame,
          printer: { id: printer.id, orgId: team.orgId, fleetId: printer.fleetId, name: printer.name, detection },
        },
        score,
        { boxes: [] },
      );
    }
  }

  /** The label group of one frame on the printer page. */
  const labelGroup = (page: Page, name: RegExp) => page.getByRole('group', { name });

  it('an admin labels frames, trains a head, compares it with the current one, activates it and rolls back', async () => {
    // Earlier prints: each with failures (a bright mess) and fine frames (a dark bed), so both sides of the split
    // hold both kinds.
    for (let print = 0; print < 8; print++) {
      for (let index = 0; index < 4; index++) {
        const label = index % 2 === 0 ? 'failure' : 'ok';
        const when = new Date(Date.now() - (10 - print) * 3_600_000 + index * 1000);
        const id = await storeFrame(team.printerB, `print:earlier-${print}`, label === 'failure' ? 235 : 35, when);
        prepared.push({ id, label });
      }
    }
    await raiseWarning(team.printerA);
    // The latest snapshot of printer A (after the alert's frames).
    await storeFrame(team.printerA, 'print:alerted', 210);

    const admin = await newUser(browser, api.url);
    const { page } = admin;
    await signIn(page, team.admin.email, `/orgs/${team.orgId}/printers`);

    // Too few labels: the button says why it cannot train yet.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Detector' }).click();
    await page.getByRole('heading', { name: 'Detector', level: 1 }).waitFor();
    const train = page.getByRole('button', { name: 'Train a new head' });
    await train.waitFor();
    expect(await train.isDisabled()).toBe(true);
    await page.getByText(/^Label \d+ more failures? and \d+ more fine frames? to train a head\.$/).waitFor();

    // On the printer page: the latest snapshot is a failure, the alert's frame looks fine; a label can be removed.
    await page.goto(`/orgs/${team.orgId}/printers/${team.printerA.id}`);
    const snapshot = labelGroup(page, /^Label the latest snapshot of /);
    await snapshot.getByRole('button', { name: /^This is a failure/ }).click();
    await snapshot.getByText(/^Labelled a failure by you/).waitFor();
    expect(await snapshot.getByRole('button', { name: /^This is a failure/ }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await snapshot.getByRole('button', { name: /^Remove label/ }).click();
    await snapshot.getByText('Not labelled by a person').waitFor();
    await snapshot.getByRole('button', { name: /^This is a failure/ }).click();
    await snapshot.getByText(/^Labelled a failure by you/).waitFor();

    const alertFrame = labelGroup(page, /^Label the frame of the alert raised /);
    await alertFrame.getByRole('button', { name: /^This looks fine/ }).click();
    await alertFrame.getByText(/^Labelled looks fine by you/).waitFor();
    // The labels are read back with the page.
    await page.reload();
    await labelGroup(page, /^Label the latest snapshot of /)
      .getByText(/^Labelled a failure by you/)
      .waitFor();
    await labelGroup(page, /^Label the frame of the alert raised /)
      .getByText(/^Labelled looks fine by you/)
      .waitFor();
    await screenshot(page, 'detector-labels', true);
    await waitFor(async () => (await detector()).labelled.fromPeople === 2, 'two people labels counted');

    // The rest through the API.
    for (const frame of prepared) {
      const answer = await team.admin.client.put(
        `/api/orgs/${team.orgId}/printers/${team.printerB.id}/frames/${frame.id}/label`,
        { label: frame.label },
      );
      expect(answer.status).toBe(200);
    }

    await page.getByRole('link', { name: 'Detector' }).click();
    await waitFor(async () => !(await train.isDisabled()), 'enough labels to train');
    await train.click();
    await page.getByText(/^Training queued/).waitFor();

    // The inference role embeds the labelled frames and trains; a failed training fails here with its message.
    const trained = await waitFor(
      async () => {
        const { training, heads } = await detector();
        if (training.state === 'failed') return { failed: training.error as string };
        return heads.length > 0 && training.state !== 'running' && training.state !== 'queued' && { failed: null };
      },
      'a trained head',
      400_000,
    );
    expect(trained.failed).toBeNull();
    // The candidate beside the current head, on the same held-out frames.
    const comparison = page.getByRole('table', { name: /^Head v1 against the shipped default head/ });
    await comparison.waitFor();
    await comparison.getByRole('columnheader', { name: 'Candidate: head v1' }).waitFor();
    await comparison.getByRole('columnheader', { name: 'Current: the shipped default head' }).waitFor();
    for (const measure of ['Precision', 'Recall', 'False alarm rate', 'Held-out frames']) {
      await comparison.getByRole('rowheader', { name: new RegExp(`^${measure}`) }).waitFor();
    }
    await screenshot(page, 'detector-candidate', true);

    const head = (await detector()).heads[0];
    expect(head).toMatchObject({ version: 1, state: 'candidate', better: true });
    await page.getByRole('button', { name: 'Activate head v1' }).click();
    await page.getByRole('dialog', { name: 'Activate head v1?' }).getByRole('button', { name: 'Activate' }).click();
    await page.getByText('Head v1 is active: new frames are scored with it.').waitFor();
    await page.getByRole('row', { name: /^v1 Active/ }).waitFor();
    expect((await detector()).activeHeadId).toBe(head.id);

    await page.getByRole('button', { name: 'Roll back head v1' }).click();
    await page.getByRole('dialog', { name: 'Roll back head v1?' }).getByRole('button', { name: 'Roll back' }).click();
    await page.getByText('Rolled back to the shipped default head.').waitFor();
    expect((await detector()).activeHeadId).toBeNull();
    await page.getByText('The shipped default head scores new frames.').waitFor();
    await screenshot(page, 'detector-rolled-back', true);

    // Every activation and rollback is in the audit log.
    const audit = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?action=detector.`);
    const actions = (audit.body.entries as Array<{ action: string }>).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['detector.headActivated', 'detector.rolledBack']));

    expect(admin.errors).toEqual([]);
    await admin.context.close();
  }, 600_000);

  it('at phone width and in dark mode the detector page keeps the comparison side by side', async () => {
    const phone = await newUser(browser, api.url, { width: 390, height: 844 });
    await phone.page.emulateMedia({ colorScheme: 'dark' });
    await signIn(phone.page, team.owner.email, `/orgs/${team.orgId}/detector`);
    await phone.page.getByRole('heading', { name: 'Heads' }).waitFor();
    const overflow = await phone.page.evaluate(() => {
      // The test's TypeScript has no DOM library: the little of it used here, typed by hand.
      const scope = globalThis as unknown as {
        document: { documentElement: { scrollWidth: number } };
        innerWidth: number;
      };
      return scope.document.documentElement.scrollWidth - scope.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone.page, 'detector-phone-dark', true);
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });

  it('an operator labels frames but never sees the detector; a viewer sees neither', async () => {
    const operator = await newUser(browser, api.url);
    await signIn(operator.page, team.operator.email, `/orgs/${team.orgId}/printers/${team.printerA.id}`);
    const snapshot = labelGroup(operator.page, /^Label the latest snapshot of /);
    await snapshot.getByRole('button', { name: /^This looks fine/ }).click();
    await snapshot.getByText(/^Labelled looks fine by you/).waitFor();
    const nav = operator.page.getByRole('navigation', { name: 'Sections' });
    await nav.getByRole('link', { name: 'Printers' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Detector' }).count()).toBe(0);
    await operator.page.goto(`/orgs/${team.orgId}/detector`);
    await operator.page.getByRole('heading', { name: 'You cannot open the detector' }).waitFor();
    expect(await operator.page.getByRole('button', { name: 'Train a new head' }).count()).toBe(0);
    await screenshot(operator.page, 'detector-operator-forbidden');

    const viewer = await newUser(browser, api.url);
    await signIn(viewer.page, team.viewer.email, `/orgs/${team.orgId}/printers/${team.printerA.id}`);
    await viewer.page.getByRole('img', { name: /^Latest webcam snapshot of / }).waitFor();
    await viewer.page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await viewer.page
      .getByRole('img', { name: /when the alert was raised/ })
      .first()
      .waitFor();
    expect(
      await viewer.page.getByRole('button', { name: /^(This looks fine|This is a failure|Remove label)/ }).count(),
    ).toBe(0);
    const viewerNav = viewer.page.getByRole('navigation', { name: 'Sections' });
    expect(await viewerNav.getByRole('link', { name: 'Detector' }).count()).toBe(0);
    // The API refuses the viewer's label too (the page only hides what the server would refuse).
    const frameId = prepared[0]!.id;
    const refused = await team.viewer.client.put(
      `/api/orgs/${team.orgId}/printers/${team.printerB.id}/frames/${frameId}/label`,
      { label: 'ok' },
    );
    expect(refused.status).toBe(403);

    expect(operator.errors).toEqual([]);
    expect(viewer.errors).toEqual([]);
    await Promise.all([operator.context.close(), viewer.context.close()]);
  });
});
