import { Inject } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import {
  AuthenticatorRegistry,
  CheckPolicies,
  credentialsFrom,
  defineAbilityFor,
  type Authenticator,
  type Credentials,
  type Principal,
} from '@farmhand/authz';
import { APP_CONFIG, DomainException, LOGGER, mapError, type AppConfig } from '@farmhand/core';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import { CameraRelay } from './camera-relay.service';
import { DashboardSubscribers } from './dashboard-subscribers.service';
import {
  DASHBOARD_EVENTS,
  DASHBOARD_NAMESPACE,
  type CameraWallAnswer,
  type CameraWatchAnswer,
} from './dashboard.messages';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Browsers may connect only from the dashboard's own origin: a page on another site must not ride the user's
 * cookie into a live feed (cross-site WebSocket hijacking). Clients that send no Origin (scripts) pass.
 */
export function isAllowedOrigin(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (!origin) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.origin === new URL(publicUrl).origin) return true;
  return host !== undefined && parsed.host === host;
}

/**
 * `/dashboard`: live printer changes for browsers. The handshake authenticates (session cookie, or an API key as
 * `auth.token`) and scopes to the organization the client names in `auth.orgId`; the socket then receives a
 * resync and coalesced per-printer changes for the printers it may read.
 */
@WebSocketGateway({ namespace: DASHBOARD_NAMESPACE })
export class DashboardGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  constructor(
    private readonly registry: AuthenticatorRegistry,
    private readonly subscribers: DashboardSubscribers,
    private readonly camera: CameraRelay,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => {
          const mapped = mapError(error, 'none');
          if (mapped.unexpected) this.logger.error({ err: error }, 'dashboard handshake failed');
          next(Object.assign(new Error(mapped.body.error.message), { data: mapped.body.error }));
        },
      );
    });
    this.subscribers.attach(namespace, this.registry);
    this.camera.attach(namespace);
  }

  async handleConnection(socket: Socket): Promise<void> {
    const { principal, authenticator, credentials, windowed } = socket.data as {
      principal?: Principal;
      authenticator?: Authenticator;
      credentials?: Credentials;
      windowed?: boolean;
    };
    if (!principal || !authenticator || !credentials) {
      socket.disconnect(true);
      return;
    }
    try {
      await this.subscribers.add(socket, principal, authenticator, credentials, windowed === true);
    } catch (error) {
      this.logger.error({ err: error }, 'dashboard resync failed');
      socket.disconnect(true);
    }
  }

  handleDisconnect(socket: Socket): void {
    void this.camera.unwatch(socket).catch((error: unknown) => this.logger.warn({ err: error }, 'unwatch failed'));
    this.subscribers.remove(socket);
  }

  /** Live camera of one printer: `read` on that very printer (organization and fleet limits) is checked inside. */
  @SubscribeMessage(DASHBOARD_EVENTS.cameraWatch)
  @CheckPolicies(['read', 'Printer'])
  cameraWatch(@ConnectedSocket() socket: Socket, @MessageBody() request: unknown): Promise<CameraWatchAnswer> {
    return this.camera.watch(socket, request);
  }

  /** The camera wall: tiles of the printers among `printerIds` this socket may read (each checked inside). */
  @SubscribeMessage(DASHBOARD_EVENTS.cameraWall)
  @CheckPolicies(['read', 'Printer'])
  cameraWall(@ConnectedSocket() socket: Socket, @MessageBody() request: unknown): Promise<CameraWallAnswer> {
    return this.camera.wall(socket, request);
  }

  @SubscribeMessage(DASHBOARD_EVENTS.cameraUnwatch)
  @CheckPolicies(['read', 'Printer'])
  async cameraUnwatch(@ConnectedSocket() socket: Socket, @MessageBody() request: unknown): Promise<{ ok: true }> {
    const printerId = (request as { printerId?: unknown } | null)?.printerId;
    if (typeof printerId === 'string') await this.camera.unwatch(socket, printerId);
    return { ok: true };
  }

  /** The printers a windowed browser shows now; they get every live field, the others a summary. */
  @SubscribeMessage(DASHBOARD_EVENTS.window)
  @CheckPolicies(['read', 'Printer'])
  window(@ConnectedSocket() socket: Socket, @MessageBody() request: unknown) {
    return this.subscribers.setWindow(socket.id, request);
  }

  /** A full picture again (the client asks after being hidden or on doubt); rate-limited per socket. */
  @SubscribeMessage(DASHBOARD_EVENTS.requestResync)
  @CheckPolicies(['read', 'Printer'])
  async requestResync(@ConnectedSocket() socket: Socket): Promise<{ ok: true }> {
    await this.subscribers.requestResync(socket.id);
    return { ok: true };
  }

  private async authenticate(socket: Socket): Promise<void> {
    const headers = socket.handshake.headers;
    if (!isAllowedOrigin(headers.origin, headers.host, this.config.PUBLIC_URL))
      throw DomainException.forbidden('origin_not_allowed', 'Connect from the dashboard itself');
    const auth = (socket.handshake.auth ?? {}) as { orgId?: unknown };
    if (typeof auth.orgId !== 'string' || !UUID.test(auth.orgId))
      throw DomainException.invalid('invalid_org', 'auth.orgId must name an organization', 'orgId');
    const credentials = credentialsFrom(headers, socket.handshake.auth);
    const found = await this.registry.authenticate(credentials);
    if (!found) throw DomainException.unauthorized('unauthenticated', 'Sign in first');
    if (found.principal.kind !== 'user' && found.principal.kind !== 'apiKey')
      throw DomainException.forbidden('forbidden', 'Only people and API keys watch the dashboard');
    const principal = await found.authenticator.scopeToOrganization(found.principal, auth.orgId);
    if (!principal) throw DomainException.notFound('organization_not_found', 'Organization not found');
    if (!defineAbilityFor(principal).can('read', 'Printer'))
      throw DomainException.forbidden('forbidden', 'You are not allowed to watch printers here');
    // `auth.windowed`: the browser shows a window of the printers and says which (`printers.window`).
    const windowed = (auth as { windowed?: unknown }).windowed === true;
    socket.data = { principal, authenticator: found.authenticator, credentials, windowed };
  }
}
