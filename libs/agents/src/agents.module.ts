import { Module } from '@nestjs/common';
import { PrintersModule } from '@farmhand/printers';
import { AgentCommandBus } from './control/agent-command.bus';
import { PrinterActionsController } from './control/printer-actions.controller';
import { PrinterControlService } from './control/printer-control.service';
import { AgentConnectionsService } from './gateway/agent-connections.service';
import { AgentExceptionsFilter } from './gateway/agent-exceptions.filter';
import { AgentRevocationListener } from './gateway/agent-revocation.listener';
import { AgentSettingsListener } from './gateway/agent-settings.listener';
import { AgentStats } from './gateway/agent-stats.service';
import { AgentGateway } from './gateway/agent.gateway';
import { PresenceRepository } from './presence/presence.repository';
import { PrinterPresenceService } from './presence/printer-presence.service';

/**
 * Printer agents: the `/agent` gateway (api only: an application context without HTTP connects no gateway), the
 * command bus and control path, presence. The worker imports it for PrinterControlService and
 * PrinterPresenceService; its commands reach the api's sockets through the Redis adapter.
 */
@Module({
  imports: [PrintersModule],
  controllers: [PrinterActionsController],
  providers: [
    AgentGateway,
    AgentExceptionsFilter,
    AgentConnectionsService,
    AgentCommandBus,
    AgentRevocationListener,
    AgentSettingsListener,
    AgentStats,
    PrinterControlService,
    PrinterPresenceService,
    PresenceRepository,
  ],
  exports: [PrinterControlService, PrinterPresenceService, AgentCommandBus],
})
export class AgentsModule {}
