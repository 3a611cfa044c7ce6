import { Module } from '@nestjs/common';
import { PrintersModule } from '@farmhand/printers';
import { AgentsModule } from '@farmhand/agents';
import { CameraRelay } from './camera-relay.service';
import { DashboardPublisherModule } from './dashboard-publisher.module';
import { DashboardSubscribers } from './dashboard-subscribers.service';
import { DashboardGateway } from './dashboard.gateway';
import { MembershipChangesListener } from './membership-changes.listener';
import { PrinterUpdatesCollector } from './printer-updates.collector';
import { SavedViewsController } from './saved-views.controller';
import { SavedViewsRepository } from './saved-views.repository';
import { SavedViewsService } from './saved-views.service';
import { TemperatureHistoryController } from './temperature-history.controller';
import { TemperatureHistoryStore } from './temperature-history.store';

/**
 * The `/dashboard` socket.io namespace: live printer changes and organization events for browsers, and the printers'
 * temperature history and each person's saved grid views (api role only).
 */
@Module({
  imports: [DashboardPublisherModule, PrintersModule, AgentsModule],
  controllers: [TemperatureHistoryController, SavedViewsController],
  providers: [
    CameraRelay,
    DashboardSubscribers,
    PrinterUpdatesCollector,
    MembershipChangesListener,
    DashboardGateway,
    TemperatureHistoryStore,
    SavedViewsRepository,
    SavedViewsService,
  ],
  exports: [PrinterUpdatesCollector, DashboardSubscribers, DashboardPublisherModule],
})
export class DashboardModule {}
