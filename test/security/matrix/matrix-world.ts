import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESSION_COOKIE } from '@farmhand/accounts';
import {
  addMember,
  createFleet,
  insertPrinter,
  issueAgentCredential,
  signUpUser,
  uniqueEmail,
  type SignedUpUser,
  makeGcode,
  uploadRaw,
} from '@farmhand/factories';
import { startApi, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { jpegFrame } from '../../detection/frame-images';
import { FLEET_KEY_SCOPES, NARROW_KEY_SCOPES, type CallerName } from './matrix-callers';

/**
 * Where the object a route acts on lives, seen from organization A's callers: in their fleet (A), in the other fleet
 * of their organization (B), in another organization, anywhere in their organization (objects that belong to no
 * fleet: files, members, keys, webhooks), or nowhere (lists, and creations without a fleet).
 */
export type Place = 'fleet' | 'otherFleet' | 'otherOrg' | 'org' | 'none';

interface Organization {
  id: string;
  owner: SignedUpUser;
  fleets: { fleet: string; otherFleet: string };
  printers: { fleet: string; otherFleet: string };
  fileId: string;
}

/** The objects a route can name, each made where a Place says. */
export type ObjectKind =
  | 'printer'
  /** The place's own printer, never a fresh one: the printer of the place's frames (`frame`). */
  | 'placePrinter'
  | 'fleet'
  | 'job'
  | 'printingCopy'
  | 'failedCopy'
  | 'member'
  | 'invitation'
  | 'apiKey'
  | 'enrollmentToken'
  | 'alert'
  | 'frame'
  | 'file'
  | 'webhook'
  | 'notificationChannel'
  | 'chatIntegration'
  | 'spool'
  | 'maintenanceTask'
  | 'maintenanceCompletion'
  | 'maintenancePhoto'
  | 'quota';

/**
 * One booted api with two organizations, a caller of every kind, and objects made on demand in each place. Shared
 * objects serve requests that must not change anything; a request a caller is allowed to make gets fresh ones.
 */
export class MatrixWorld {
  readonly callers = {} as Record<CallerName, HttpClient>;
  readonly credentials = {} as { agent: string; fleetKey: string; narrowKey: string };
  orgA!: Organization;
  orgB!: Organization;
  private readonly shared = new Map<string, Promise<string>>();

  private constructor(
    readonly api: ApiHarness,
    readonly dataDir: string,
  ) {}

  static async start(): Promise<MatrixWorld> {
    const dataDir = await mkdtemp(join(tmpdir(), 'farmhand-matrix-'));
    const world = new MatrixWorld(await startApi({ DATA_DIR: dataDir }), dataDir);
    await world.populate();
    return world;
  }

  async close(): Promise<void> {
    await this.api.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  get db(): DataSource {
    return this.api.app.get(DataSource);
  }

  private async organization(name: string): Promise<Organization> {
    const owner = await signUpUser(this.api, { organizationName: name });
    const id = owner.orgId!;
    const fleet = await createFleet(owner.client, id, `${name} fleet 1`);
    const otherFleet = await createFleet(owner.client, id, `${name} fleet 2`);
    const printers = {
      fleet: (await insertPrinter(this.api, id, fleet, { name: `${name} printer 1` })).id,
      otherFleet: (await insertPrinter(this.api, id, otherFleet, { name: `${name} printer 2` })).id,
    };
    const upload = await uploadRaw(owner.client, id, makeGcode({ salt: name }), 'matrix.gcode');
    if (upload.status !== 201) throw new Error(`upload: ${upload.status} ${JSON.stringify(upload.body)}`);
    return { id, owner, fleets: { fleet, otherFleet }, printers, fileId: upload.body.file.id };
  }

  private async populate(): Promise<void> {
    this.orgA = await this.organization('Matrix A');
    this.orgB = await this.organization('Matrix B');
    const { id: orgId, owner } = this.orgA;
    const limited = [this.orgA.fleets.fleet];
    const [admin, operator, viewer, fleetOperator, fleetAdmin, removed] = await Promise.all([
      addMember(this.api, owner.client, orgId, 'admin'),
      addMember(this.api, owner.client, orgId, 'operator'),
      addMember(this.api, owner.client, orgId, 'viewer'),
      addMember(this.api, owner.client, orgId, 'operator', limited),
      addMember(this.api, owner.client, orgId, 'admin', limited),
      addMember(this.api, owner.client, orgId, 'operator'),
    ]);
    const removal = await owner.client.delete(`/api/orgs/${orgId}/members/${removed.membershipId}`);
    if (removal.status !== 204) throw new Error(`removal: ${removal.status}`);

    this.credentials.fleetKey = await this.apiKey(FLEET_KEY_SCOPES, limited);
    this.credentials.narrowKey = await this.apiKey(NARROW_KEY_SCOPES, null);
    this.credentials.agent = await issueAgentCredential(this.api, { id: this.orgA.printers.fleet, orgId });
    const bearer = (token: string) => {
      const client = this.api.client();
      client.bearer = token;
      return client;
    };
    Object.assign(this.callers, {
      owner: owner.client,
      admin: admin.client,
      operator: operator.client,
      viewer: viewer.client,
      fleetOperator: fleetOperator.client,
      fleetAdmin: fleetAdmin.client,
      fleetKey: bearer(this.credentials.fleetKey),
      narrowKey: bearer(this.credentials.narrowKey),
      removedMember: removed.client,
      otherOrgOwner: this.orgB.owner.client,
      agent: bearer(this.credentials.agent),
      anonymous: this.api.client(),
    } satisfies Record<CallerName, HttpClient>);
    this.members = { admin, operator, viewer, fleetOperator, fleetAdmin };
  }

  /** The members whose memberships a route may change (and `after` restores). */
  members!: Record<'admin' | 'operator' | 'viewer' | 'fleetOperator' | 'fleetAdmin', SignedUpUser>;

  /** A member who left organization A (a `leave` case) is invited back with the role and fleets they had. */
  async rejoin(caller: CallerName): Promise<void> {
    const fleet = [this.orgA.fleets.fleet];
    const roles: Partial<Record<CallerName, [string, string[] | null]>> = {
      admin: ['admin', null],
      operator: ['operator', null],
      viewer: ['viewer', null],
      fleetOperator: ['operator', fleet],
      fleetAdmin: ['admin', fleet],
    };
    const held = roles[caller];
    if (!held) return;
    const member = this.members[caller as keyof MatrixWorld['members']];
    const invitation = await this.orgA.owner.client.post(`${this.base}/invitations`, {
      email: member.email,
      role: held[0],
      fleetIds: held[1],
    });
    const accepted = await member.client.post('/api/invitations/accept', { token: invitation.body.token });
    if (accepted.status !== 201) throw new Error(`rejoin: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  }

  private async apiKey(scopes: readonly string[], fleetIds: string[] | null): Promise<string> {
    const created = await this.orgA.owner.client.post(`/api/orgs/${this.orgA.id}/api-keys`, {
      name: `matrix ${randomBytes(3).toString('hex')}`,
      scopes,
      fleetIds,
    });
    if (created.status !== 201) throw new Error(`api key: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body.key;
  }

  /** The organization a place is in, its owner, and the fleet (A's own fleet for org-wide places). */
  where(place: Place): { org: Organization; fleetId: string; printerId: string } {
    const org = place === 'otherOrg' ? this.orgB : this.orgA;
    const side = place === 'otherFleet' ? 'otherFleet' : 'fleet';
    return { org, fleetId: org.fleets[side], printerId: org.printers[side] };
  }

  /** A small G-code file's text (the same bytes for the same salt). */
  gcode(salt: string): string {
    return makeGcode({ salt });
  }

  /** Organization A's base path: every matrix request addresses organization A. */
  get base(): string {
    return `/api/orgs/${this.orgA.id}`;
  }

  /** An object of `kind` in `place`: a shared one, or a fresh one when the request will change it. */
  object(kind: ObjectKind, place: Place, fresh: boolean): Promise<string> {
    if (!fresh && kind === 'printer') return Promise.resolve(this.where(place).printerId);
    if (kind === 'placePrinter') return Promise.resolve(this.where(place).printerId);
    if (!fresh && kind === 'fleet') return Promise.resolve(this.where(place).fleetId);
    if (!fresh && kind === 'file') return Promise.resolve(this.where(place).org.fileId);
    if (fresh) return this.make(kind, place);
    const key = `${kind}:${place}`;
    let found = this.shared.get(key);
    if (!found) this.shared.set(key, (found = this.make(kind, place)));
    return found;
  }

  private async make(kind: ObjectKind, place: Place): Promise<string> {
    const { org, fleetId, printerId } = this.where(place);
    const owner = org.owner.client;
    const expectCreated = <T>(response: { status: number; body: T }, what: string): T => {
      if (response.status >= 300) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    };
    switch (kind) {
      case 'placePrinter':
        return printerId;
      case 'printer':
        return (await insertPrinter(this.api, org.id, fleetId, { name: `m-${randomBytes(4).toString('hex')}` })).id;
      case 'fleet':
        return createFleet(owner, org.id, `Fleet ${randomBytes(4).toString('hex')}`);
      case 'job': {
        const job = await owner.post(`/api/orgs/${org.id}/jobs`, {
          fileId: org.fileId,
          copies: 1,
          held: true,
          fleetIds: [fleetId],
        });
        return expectCreated<{ id: string }>(job, 'job').id;
      }
      case 'printingCopy':
      case 'failedCopy': {
        // A job for this place's fleet whose copy is on a printer of that fleet, as the scheduler and agent leave it.
        const jobId = await this.make('job', place);
        const printer = (
          await insertPrinter(this.api, org.id, fleetId, { name: `m-${randomBytes(4).toString('hex')}` })
        ).id;
        const state = kind === 'printingCopy' ? 'printing' : 'failed';
        const [[copy]]: [{ id: string }[]] = await this.db.query(
          `UPDATE print_copies SET state = $2, printer_id = $3, attempt = 1, assigned_at = now()
            WHERE job_id = $1 RETURNING id`,
          [jobId, state, printer],
        );
        await this.db.query(
          `INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, fleet_id, attempt, state, assigned_at)
           VALUES ($1, $2, $3, $4, $5, 1, $6, now())`,
          [org.id, copy!.id, jobId, printer, fleetId, state],
        );
        return copy!.id;
      }
      case 'member':
        return (await addMember(this.api, owner, org.id, 'viewer')).membershipId;
      case 'invitation': {
        const invitation = await owner.post(`/api/orgs/${org.id}/invitations`, {
          email: uniqueEmail(),
          role: 'viewer',
        });
        return expectCreated<{ invitation: { id: string } }>(invitation, 'invitation').invitation.id;
      }
      case 'apiKey': {
        const key = await owner.post(`/api/orgs/${org.id}/api-keys`, { name: 'm', scopes: ['read:Printer'] });
        return expectCreated<{ apiKey: { id: string } }>(key, 'api key').apiKey.id;
      }
      case 'enrollmentToken': {
        const token = await owner.post(`/api/orgs/${org.id}/enrollment/tokens`, { fleetId });
        return expectCreated<{ id: string }>(token, 'enrollment token').id;
      }
      case 'alert': {
        const [alert]: { id: string }[] = await this.db.query(
          `INSERT INTO detection_alerts (org_id, printer_id, level, score) VALUES ($1, $2, 'warning', 0.9) RETURNING id`,
          [org.id, printerId],
        );
        return alert!.id;
      }
      case 'frame': {
        const id = randomUUID();
        const path = `${org.id}/${printerId}/matrix/${id}.jpg`;
        await mkdir(join(this.dataDir, 'frames', org.id, printerId, 'matrix'), { recursive: true });
        const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
        await writeFile(join(this.dataDir, 'frames', path), bytes);
        await this.db.query(
          `INSERT INTO detection_frames (id, org_id, printer_id, taken_at, bytes, width, height, storage_path)
           VALUES ($1, $2, $3, now(), $4, 1, 1, $5)`,
          [id, org.id, printerId, bytes.length, path],
        );
        return id;
      }
      case 'file': {
        const upload = await uploadRaw(owner, org.id, makeGcode(), 'fresh.gcode');
        return expectCreated<{ file: { id: string } }>(upload, 'file').file.id;
      }
      case 'webhook': {
        const webhook = await owner.post(`/api/orgs/${org.id}/webhooks`, {
          url: `https://hooks.example.com/${randomBytes(4).toString('hex')}`,
          events: ['print.done'],
        });
        return expectCreated<{ id: string }>(webhook, 'webhook').id;
      }
      case 'notificationChannel': {
        const channel = await owner.post(`/api/orgs/${org.id}/notification-channels`, {
          kind: 'slack',
          name: 'matrix',
          events: ['alert.raised'],
          webhookUrl: `https://hooks.example.com/${randomBytes(4).toString('hex')}`,
        });
        return expectCreated<{ id: string }>(channel, 'notification channel').id;
      }
      case 'chatIntegration': {
        const integration = await owner.post(`/api/orgs/${org.id}/chatops/integrations`, {
          platform: 'slack',
          name: `Slack ${randomBytes(4).toString('hex')}`,
          secret: randomBytes(16).toString('hex'),
          allowedCommands: ['status'],
        });
        return expectCreated<{ id: string }>(integration, 'chat integration').id;
      }
      case 'spool': {
        const spool = await owner.post(`/api/orgs/${org.id}/spools`, { material: 'PLA', initialGrams: 1000 });
        return expectCreated<{ id: string }>(spool, 'spool').id;
      }
      case 'maintenanceTask': {
        const task = await owner.post(`/api/orgs/${org.id}/maintenance/tasks`, {
          name: 'Clean bed',
          printerId,
          intervalKind: 'days',
          intervalValue: 30,
        });
        return expectCreated<{ id: string }>(task, 'maintenance task').id;
      }
      case 'maintenanceCompletion': {
        const taskId = await this.make('maintenanceTask', place);
        const done = await owner.post(`/api/orgs/${org.id}/maintenance/tasks/${taskId}/complete`, { printerId });
        return expectCreated<{ id: string }>(done, 'maintenance completion').id;
      }
      case 'maintenancePhoto': {
        // A photo of the shared completion of this place, so a row naming both gets a matching pair.
        const completionId = await this.object('maintenanceCompletion', place, false);
        const photo = await fetch(`${this.api.url}/api/orgs/${org.id}/maintenance/completions/${completionId}/photos`, {
          method: 'POST',
          headers: { cookie: `${SESSION_COOKIE}=${owner.cookie(SESSION_COOKIE)}`, 'content-type': 'image/jpeg' },
          body: await jpegFrame(64, 64),
        });
        if (photo.status !== 201) throw new Error(`maintenance photo: ${photo.status} ${await photo.text()}`);
        return ((await photo.json()) as { id: string }).id;
      }
      case 'quota': {
        const quota = await owner.post(`/api/orgs/${org.id}/quotas`, {
          scope: 'tag',
          target: `t-${randomBytes(4).toString('hex')}`,
          metric: 'print_hours',
          limit: 10,
        });
        return expectCreated<{ id: string }>(quota, 'quota').id;
      }
    }
  }
}
