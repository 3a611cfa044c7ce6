import { Module } from '@nestjs/common';
import { DashboardFanout } from './dashboard-fanout';
import { DashboardPublisher } from './dashboard-publisher.service';
import { DashboardRepository } from './dashboard.repository';
import { LiveStateStore } from './live-state.store';
import { PrinterPlacements } from './printer-placements';

/**
 * `DashboardPublisher` for any role (api, worker, inference): no gateway, no sockets of its own. In the api, the
 * dashboard gateway attaches its namespace to the same `DashboardFanout`.
 */
@Module({
  providers: [DashboardRepository, LiveStateStore, PrinterPlacements, DashboardFanout, DashboardPublisher],
  exports: [DashboardRepository, LiveStateStore, PrinterPlacements, DashboardFanout, DashboardPublisher],
})
export class DashboardPublisherModule {}
