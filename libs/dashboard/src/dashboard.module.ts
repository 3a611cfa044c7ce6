import { Module } from '@nestjs/common';
import { DashboardPublisherModule } from './dashboard-publisher.module';
import { DashboardSubscribers } from './dashboard-subscribers.service';
import { DashboardGateway } from './dashboard.gateway';
import { MembershipChangesListener } from './membership-changes.listener';
import { PrinterUpdatesCollector } from './printer-updates.collector';

/** The `/dashboard` socket.io namespace: live printer changes and organization events for browsers (api role only). */
@Module({
  imports: [DashboardPublisherModule],
  providers: [DashboardSubscribers, PrinterUpdatesCollector, MembershipChangesListener, DashboardGateway],
  exports: [PrinterUpdatesCollector, DashboardSubscribers, DashboardPublisherModule],
})
export class DashboardModule {}
