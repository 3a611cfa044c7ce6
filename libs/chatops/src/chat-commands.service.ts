import { Inject, Injectable } from '@nestjs/common';
import { PrinterControlService, PrinterPresenceService, type LivePrinterState } from '@farmhand/agents';
import { AuditService } from '@farmhand/audit';
import { FLEET_CONDITION_COLUMNS, FleetDirectory, MemberDirectory } from '@farmhand/accounts';
import {
  ForbiddenError,
  accessibleWhere,
  defineAbilityFor,
  subject,
  type Action,
  type UserPrincipal,
} from '@farmhand/authz';
import { DomainException, LOGGER } from '@farmhand/core';
import { AlertsService } from '@farmhand/detection';
import { PrintersService, type Printer } from '@farmhand/printers';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ChatLinksRepository } from './chat-links.repository';
import { ChatLinksService } from './chat-links.service';
import {
  ALERT_DISMISS_BUTTON,
  ALERT_PAUSE_BUTTON,
  CANCEL_CONFIRM_BUTTON,
  CHAT_COMMANDS,
  type ChatCommand,
} from './chatops.vocabulary';
import type { ChatIntegration } from './entities/chat-integration.entity';
import type { ChatReply, ChatUser } from './inbound/chat-event';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STATUS_LIST_LIMIT = 25;
/**
 * Slack gives up on an answer after 3 s: a printer slower than this is answered "sent, not confirmed yet" (the agent
 * still carries the command out; the audit records the timeout). Discord is answered "thinking…" at once and the
 * outcome later (ChatInboundService), so its commands wait for the printer as long as the dashboard's do.
 */
const CHAT_COMMAND_TIMEOUT_MS = 2_500;
export const DEFERRED_COMMAND_TIMEOUT_MS = 30_000;

export interface ChatRunOptions {
  /** How long a printer command waits for the printer's confirmation (default 2.5 s: an answer within 3 s). */
  timeoutMs?: number;
}
export const LINK_FIRST =
  'Link your account first: in the Farmhand dashboard, open your account page, press "Link chat account", and send `link <code>` here.';

type PrinterCommand = 'pause' | 'resume' | 'cancel';

interface Caller {
  integration: ChatIntegration;
  user: ChatUser;
  principal: UserPrincipal;
  timeoutMs: number;
}

/**
 * Chat commands and button clicks, run as the linked member: their ability is built from the membership as it is
 * now (role, fleets), printers are found only among those they may read, and every printer action goes through
 * PrinterControlService, the dashboard's own control path (which checks the very printer and audits as the member).
 * Each command is audited once more with the chat identity (`chatops.command`).
 */
@Injectable()
export class ChatCommandsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly links: ChatLinksRepository,
    private readonly linking: ChatLinksService,
    private readonly members: MemberDirectory,
    private readonly printers: PrintersService,
    private readonly fleets: FleetDirectory,
    private readonly presence: PrinterPresenceService,
    private readonly control: PrinterControlService,
    private readonly alerts: AlertsService,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async command(
    integration: ChatIntegration,
    user: ChatUser,
    text: string,
    options: ChatRunOptions = {},
  ): Promise<ChatReply> {
    const [verb = '', ...rest] = text.trim().split(/\s+/);
    const name = verb.toLowerCase();
    const argument = rest.join(' ').trim();
    if (name === 'link') return this.link(integration, user, argument);
    const caller = await this.caller(integration, user, options);
    if (!caller) return { text: LINK_FIRST };
    if (name === '' || name === 'help' || name === 'start') return { text: this.help(integration) };
    if (!(CHAT_COMMANDS as readonly string[]).includes(name) || name === 'dismiss')
      return { text: `Unknown command \`${clip(name)}\`. ${this.help(integration)}` };
    const command = name as ChatCommand;
    if (!integration.allowedCommands.includes(command)) return this.notAllowed(command);
    if (command === 'status') return this.status(caller, argument);
    if (!argument) return { text: `Which printer? \`${command} <printer name>\`` };
    const printer = await this.findPrinter(caller, argument);
    if (!printer) return { text: `No printer named "${clip(argument)}" that you can see.` };
    const pc = command as PrinterCommand;
    if (pc === 'cancel') {
      if (!this.may(caller, 'cancel', printer)) return this.refused(caller, pc, printer);
      return {
        text: `Cancel the print on ${printer.name}? This cannot be undone.`,
        buttons: [
          { id: `${CANCEL_CONFIRM_BUTTON}${printer.id}`, label: `Cancel print on ${printer.name}`, danger: true },
        ],
      };
    }
    return this.act(caller, pc, printer);
  }

  async button(
    integration: ChatIntegration,
    user: ChatUser,
    buttonId: string,
    options: ChatRunOptions = {},
  ): Promise<ChatReply> {
    const caller = await this.caller(integration, user, options);
    if (!caller) return { text: LINK_FIRST };
    const [prefix, id] = [
      buttonId.slice(0, buttonId.lastIndexOf(':') + 1),
      buttonId.slice(buttonId.lastIndexOf(':') + 1),
    ];
    if (!UUID.test(id)) return { text: 'That button is not one of Farmhand’s.' };
    switch (prefix) {
      case CANCEL_CONFIRM_BUTTON: {
        if (!integration.allowedCommands.includes('cancel')) return this.notAllowed('cancel');
        const printer = await this.findPrinterById(caller, id);
        if (!printer) return { text: 'That printer is not one you can see.' };
        return this.act(caller, 'cancel', printer);
      }
      case ALERT_PAUSE_BUTTON:
        if (!integration.allowedCommands.includes('pause')) return this.notAllowed('pause');
        return this.alertPause(caller, id);
      case ALERT_DISMISS_BUTTON:
        if (!integration.allowedCommands.includes('dismiss')) return this.notAllowed('dismiss');
        return this.alertDismiss(caller, id);
      default:
        return { text: 'That button is not one of Farmhand’s.' };
    }
  }

  private async link(integration: ChatIntegration, user: ChatUser, code: string): Promise<ChatReply> {
    if (!code) return { text: 'Send `link <code>` with the code from your Farmhand account page.' };
    const outcome = await this.linking.redeem(integration, user, code);
    if (outcome.linked) return { text: `Linked. You act here as your Farmhand account. ${this.help(integration)}` };
    if (outcome.reason === 'throttled') return { text: 'Too many link attempts; wait a few minutes.' };
    return { text: 'That code is not valid (wrong, used or expired). Make a new one on your account page.' };
  }

  /** The linked member, reloaded now; a link whose membership is gone acts as no link. */
  private async caller(integration: ChatIntegration, user: ChatUser, options: ChatRunOptions): Promise<Caller | null> {
    const account = await this.links.findAccount(integration.id, user.id);
    if (!account) return null;
    const member = await this.members.find(integration.orgId, account.membershipId);
    if (!member) return null;
    const principal: UserPrincipal = {
      kind: 'user',
      userId: member.userId,
      sessionId: `chat:${account.id}`,
      email: member.email,
      orgId: member.orgId,
      membershipId: member.membershipId,
      role: member.role,
      fleetIds: member.fleetIds,
    };
    return { integration, user, principal, timeoutMs: options.timeoutMs ?? CHAT_COMMAND_TIMEOUT_MS };
  }

  private help(integration: ChatIntegration): string {
    const usage: Record<ChatCommand, string | null> = {
      status: '`status [printer|fleet]`',
      pause: '`pause <printer>`',
      resume: '`resume <printer>`',
      cancel: '`cancel <printer>`',
      dismiss: null,
    };
    const allowed = integration.allowedCommands.map((command) => usage[command]).filter(Boolean);
    return allowed.length ? `Commands here: ${allowed.join(', ')}.` : 'No commands are allowed in this channel.';
  }

  private notAllowed(command: ChatCommand): ChatReply {
    return { text: `\`${command}\` is not allowed in this channel.` };
  }

  private may(caller: Caller, action: Action, printer: Printer): boolean {
    return defineAbilityFor(caller.principal).can(action, subject('Printer', { ...printer }));
  }

  private async refused(caller: Caller, command: PrinterCommand, printer: Printer): Promise<ChatReply> {
    await this.record(caller, command, printer.id, 'denied', 'forbidden');
    return { text: `You may not ${command} ${printer.name}: your role (${caller.principal.role}) does not allow it.` };
  }

  private async status(caller: Caller, target: string): Promise<ChatReply> {
    const ability = defineAbilityFor(caller.principal);
    const orgId = caller.principal.orgId!;
    if (target) {
      const printer = await this.findPrinter(caller, target);
      if (printer) {
        const live = await this.presence.getLive(printer.id);
        return { text: describe(printer, live) };
      }
      const fleets = await this.fleets.list(orgId, accessibleWhere(ability, 'read', 'Fleet', FLEET_CONDITION_COLUMNS));
      const fleet = fleets.find((candidate) => candidate.name.toLowerCase() === target.toLowerCase());
      if (!fleet) return { text: `No printer or fleet named "${clip(target)}" that you can see.` };
      return this.statusList(caller, `${fleet.name}`, fleet.id);
    }
    return this.statusList(caller, 'Printers', undefined);
  }

  private async statusList(caller: Caller, title: string, fleetId: string | undefined): Promise<ChatReply> {
    const ability = defineAbilityFor(caller.principal);
    const { printers, total } = await this.printers.list(ability, caller.principal.orgId!, {
      fleetId,
      limit: STATUS_LIST_LIMIT,
    });
    if (!printers.length) return { text: `${title}: none that you can see.` };
    const live = await this.presence.getLiveMany(printers.map((printer) => printer.id));
    const lines = printers.map((printer) => `• ${describe(printer, live.get(printer.id) ?? null)}`);
    const more = total > printers.length ? `\n…and ${total - printers.length} more.` : '';
    return { text: `${title}:\n${lines.join('\n')}${more}` };
  }

  /** Exact name (case-insensitive) among the printers the member may read: another fleet's or org's is not found. */
  private async findPrinter(caller: Caller, name: string): Promise<Printer | null> {
    const ability = defineAbilityFor(caller.principal);
    const { printers } = await this.printers.list(ability, caller.principal.orgId!, { search: name, limit: 50 });
    return printers.find((printer) => printer.name.toLowerCase() === name.toLowerCase()) ?? null;
  }

  private async findPrinterById(caller: Caller, printerId: string): Promise<Printer | null> {
    try {
      return await this.printers.get(defineAbilityFor(caller.principal), caller.principal.orgId!, printerId);
    } catch (error) {
      if (error instanceof DomainException && error.status === 404) return null;
      throw error;
    }
  }

  private async act(caller: Caller, command: PrinterCommand, printer: Printer): Promise<ChatReply> {
    if (!this.may(caller, command, printer)) return this.refused(caller, command, printer);
    try {
      await this.control.execute(
        caller.principal,
        caller.principal.orgId!,
        printer.id,
        { type: command, args: {} },
        { timeoutMs: caller.timeoutMs },
      );
    } catch (error) {
      const outcome = error instanceof DomainException ? error.code : 'error';
      await this.record(caller, command, printer.id, 'failure', outcome);
      if (!(error instanceof DomainException)) throw error;
      if (error.status === 504)
        return { text: `Sent ${command} to ${printer.name}; it has not confirmed yet. Check with \`status\`.` };
      return { text: `Could not ${command} ${printer.name}: ${error.message}` };
    }
    await this.record(caller, command, printer.id, 'success', 'ok');
    const done: Record<PrinterCommand, string> = {
      pause: 'Paused',
      resume: 'Resumed',
      cancel: 'Cancelled the print on',
    };
    return { text: `${done[command]} ${printer.name}.` };
  }

  /** The alert's "Pause" button: pauses its printer as the member, then marks the alert seen. */
  private async alertPause(caller: Caller, alertId: string): Promise<ChatReply> {
    const orgId = caller.principal.orgId!;
    let printer: Printer | null;
    try {
      const alert = await this.alerts.find(caller.principal, orgId, alertId);
      printer = await this.findPrinterById(caller, alert.printerId);
    } catch (error) {
      if (error instanceof DomainException) return { text: error.message };
      throw error;
    }
    if (!printer) return { text: 'Alert not found.' };
    const reply = await this.act(caller, 'pause', printer);
    if (!reply.text.startsWith('Paused')) return reply;
    try {
      await this.alerts.resolve(caller.principal, orgId, alertId, 'acknowledged');
    } catch (error) {
      // Already acknowledged by someone else: the print is paused all the same.
      if (!(error instanceof DomainException)) throw error;
    }
    return reply;
  }

  /** The alert's "It's fine (false alarm)" button: the dashboard's false-alarm verdict, as the member. */
  private async alertDismiss(caller: Caller, alertId: string): Promise<ChatReply> {
    const orgId = caller.principal.orgId!;
    try {
      const alert = await this.alerts.resolve(caller.principal, orgId, alertId, 'false_alarm');
      await this.record(caller, 'dismiss', alert.printerId, 'success', 'ok', alertId);
      return { text: `Marked a false alarm: ${alert.printerName} keeps printing.` };
    } catch (error) {
      // AlertsService checks the very alert with CASL, whose refusal is a ForbiddenError.
      if (error instanceof ForbiddenError || (error instanceof DomainException && error.status === 403)) {
        await this.record(caller, 'dismiss', null, 'denied', 'forbidden', alertId);
        return { text: `You may not dismiss alerts: your role (${caller.principal.role}) does not allow it.` };
      }
      if (!(error instanceof DomainException)) throw error;
      await this.record(caller, 'dismiss', null, 'failure', error.code, alertId);
      return { text: error.message };
    }
  }

  private async record(
    caller: Caller,
    command: string,
    printerId: string | null,
    result: 'success' | 'failure' | 'denied',
    outcome: string,
    alertId?: string,
  ): Promise<void> {
    try {
      await this.audit.record(this.dataSource.manager, {
        orgId: caller.principal.orgId,
        principal: caller.principal,
        action: 'chatops.command',
        subject: printerId ? { type: 'Printer', id: printerId } : { type: 'Alert', id: alertId ?? null },
        result,
        details: {
          command,
          outcome,
          platform: caller.integration.platform,
          integrationId: caller.integration.id,
          chatUserId: caller.user.id,
          chatUserName: caller.user.name,
          ...(alertId ? { alertId } : {}),
        },
      });
    } catch (error) {
      this.logger.error({ err: error, command, printerId }, 'could not audit a chat command');
    }
  }
}

function clip(value: string): string {
  return value.replace(/[`*_~<>]/g, '').slice(0, 60);
}

function describe(printer: Printer, live: LivePrinterState | null): string {
  const status = live?.status;
  if (!live) return `${printer.name}: offline`;
  if (!status) return `${printer.name}: online`;
  const job = status.job?.fileName ? ` ${status.job.fileName}` : '';
  const progress = status.progress !== null && status.progress !== undefined ? ` ${Math.round(status.progress)}%` : '';
  return `${printer.name}: ${status.state}${job}${progress}`;
}
