import { Module } from '@nestjs/common';
import { DashboardSubscribers } from './dashboard-subscribers.service';
import { DashboardGateway } from './dashboard.gateway';
import { DashboardRepository } from './dashboard.repository';
import { LiveStateStore } from './live-state.store';
import { MembershipChangesListener } from './membership-changes.listener';
import { PrinterPlacements } from './printer-placements';
import { PrinterUpdatesCollector } from './printer-updates.collector';

/** The `/dashboard` socket.io namespace: live printer changes for browsers (api role only). */
@Module({
  providers: [
    DashboardRepository,
    LiveStateStore,
    PrinterPlacements,
    DashboardSubscribers,
    PrinterUpdatesCollector,
    MembershipChangesListener,
    DashboardGateway,
  ],
  exports: [PrinterUpdatesCollector, DashboardSubscribers],
})
export class DashboardModule {}
