import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors, DomainException } from '@farmhand/core';
import { PrintersService } from '@farmhand/printers';
import { COMMAND_ERRORS } from '../agents.exception';
import { PrinterPresenceService } from '../presence/printer-presence.service';
import { ActionAnswerDto, PrinterLiveDto, TemperatureAnswerDto } from './dto/printer-action-responses.dto';
import {
  ConnectActionDto,
  GcodeActionDto,
  HomeActionDto,
  JogActionDto,
  TemperatureActionDto,
} from './dto/printer-action.dto';
import { PrinterControlService, type ControlCommand } from './printer-control.service';

export interface ActionAnswer {
  commandId: string;
  /** The agent's result data. */
  result: unknown;
}

/**
 * Printer actions over HTTP: one route per action so that each declares its own policy. Every one goes through
 * PrinterControlService (ability on the very printer, audit, command, result).
 */
@ApiTags('printers')
@Controller('orgs/:orgId/printers/:printerId')
export class PrinterActionsController {
  constructor(
    private readonly control: PrinterControlService,
    private readonly printers: PrintersService,
    private readonly presence: PrinterPresenceService,
  ) {}

  @Post('actions/pause')
  @HttpCode(200)
  @ApiOkResponse({ type: ActionAnswerDto, description: 'The agent carried it out' })
  @ApiErrors(COMMAND_ERRORS)
  @CheckPolicies(['pause', 'Printer'])
  pause(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.run(request, orgId, printerId, { type: 'pause' });
  }

  @Post('actions/resume')
  @HttpCode(200)
  @ApiOkResponse({ type: ActionAnswerDto, description: 'The agent carried it out' })
  @ApiErrors(COMMAND_ERRORS)
  @CheckPolicies(['resume', 'Printer'])
  resume(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.run(request, orgId, printerId, { type: 'resume' });
  }

  @Post('actions/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: ActionAnswerDto, description: 'The agent carried it out' })
  @ApiErrors(COMMAND_ERRORS)
  @CheckPolicies(['cancel', 'Printer'])
  cancel(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.run(request, orgId, printerId, { type: 'cancel' });
  }

  @Post('actions/home')
  @HttpCode(200)
  @ApiOkResponse({ type: ActionAnswerDto, description: 'The agent carried it out' })
  @ApiErrors(COMMAND_ERRORS)
  @CheckPolicies(['home', 'Printer'])
  home(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Body() body: HomeActionDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.run(request, orgId, printerId, { type: 'home', args: { axes: body.axes ?? ['x', 'y', 'z'] } });
  }

  @Post('actions/jog')
  @HttpCode(200)
  @ApiOkResponse({ type: ActionAnswerDto, description: 'The agent carried it out' })
  @ApiErrors(COMMAND_ERRORS)
  @CheckPolicies(['jog', 'Printer'])
  jog(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Body() body: JogActionDto,
    @Req() request: AuthorizedRequest,
  ) {
    if (body.x === undefined && body.y === undefined && body.z === undefined) {
      throw DomainException.invalid('validation_failed', 'jog needs x, y or z', 'x');
    }
    return this.run(request, orgId, printerId, { type: 'jog', args: body });
  }

  /** One command per heater; the hotend first, and the bed only when the hotend was accepted. */
  @Post('actions/temperature')
  @HttpCode(200)
  @ApiOkResponse({ type: TemperatureAnswerDto, description: 'The agent set each heater asked for' })
  @ApiErrors(COMMAND_ERRORS)
  @CheckPolicies(['temperature', 'Printer'])
  async temperature(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Body() body: TemperatureActionDto,
    @Req() request: AuthorizedRequest,
  ) {
    if (body.tool === undefined && body.bed === undefined) {
      throw DomainException.invalid('validation_failed', 'temperature needs tool or bed', 'tool');
    }
    const answers: Record<string, ActionAnswer> = {};
    if (body.tool !== undefined) {
      const args = { heater: 'tool0' as const, target: body.tool };
      answers.tool = await this.run(request, orgId, printerId, { type: 'temperature', args });
    }
    if (body.bed !== undefined) {
      const args = { heater: 'bed' as const, target: body.bed };
      answers.bed = await this.run(request, orgId, printerId, { type: 'temperature', args });
    }
    return answers;
  }

  @Post('actions/gcode')
  @HttpCode(200)
  @ApiOkResponse({ type: ActionAnswerDto, description: 'The agent carried it out' })
  @ApiErrors(COMMAND_ERRORS)
  @CheckPolicies(['gcode', 'Printer'])
  gcode(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Body() body: GcodeActionDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.run(request, orgId, printerId, { type: 'gcode', args: { lines: body.lines } });
  }

  @Post('actions/connect')
  @HttpCode(200)
  @ApiOkResponse({ type: ActionAnswerDto, description: 'The agent carried it out' })
  @ApiErrors(COMMAND_ERRORS)
  @CheckPolicies(['connect', 'Printer'])
  connect(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Body() body: ConnectActionDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.run(request, orgId, printerId, { type: 'connect', args: { ...body } });
  }

  @Post('actions/disconnect')
  @HttpCode(200)
  @ApiOkResponse({ type: ActionAnswerDto, description: 'The agent carried it out' })
  @ApiErrors(COMMAND_ERRORS)
  @CheckPolicies(['disconnect', 'Printer'])
  disconnect(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.run(request, orgId, printerId, { type: 'disconnect' });
  }

  /**
   * Firmware emergency stop (M112, Moonraker's `printer.emergency_stop`): the printer halts at once and needs a
   * restart. Its own permission (`emergency_stop`), so a role or API key can hold cancel without it, or the reverse.
   */
  @Post('actions/emergency-stop')
  @HttpCode(200)
  @ApiOkResponse({ type: ActionAnswerDto, description: 'The agent carried it out' })
  @ApiErrors(COMMAND_ERRORS)
  @CheckPolicies(['emergency_stop', 'Printer'])
  emergencyStop(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.run(request, orgId, printerId, { type: 'emergency_stop' });
  }

  /** The persisted state and, while its agent is connected, the live one from Redis. */
  @Get('live')
  @CheckPolicies(['read', 'Printer'])
  @ApiOkResponse({ type: PrinterLiveDto })
  @ApiErrors({ 404: ['printer_not_found'] })
  async live(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    const printer = await this.printers.get(request.ability!, orgId, printerId);
    const live = await this.presence.getLive(printerId);
    return {
      printerId,
      online: live !== null,
      state: printer.state,
      lastSeenAt: live ? new Date(live.lastSeenAt).toISOString() : (printer.lastSeenAt?.toISOString() ?? null),
      live,
    };
  }

  private async run(
    request: AuthorizedRequest,
    orgId: string,
    printerId: string,
    command: ControlCommand,
  ): Promise<ActionAnswer> {
    const commandId = randomUUID();
    const result = await this.control.execute(request.principal!, orgId, printerId, command, { commandId });
    return { commandId, result };
  }
}
