import { Module } from '@nestjs/common';
import { PrinterDirectoryModule } from '@farmhand/printers';
import { DashboardFanout } from './dashboard-fanout';
import { DashboardPublisher } from './dashboard-publisher.service';
import { LiveStateStore } from './live-state.store';
import { PrinterFacts } from './printer-facts';
import { PrinterPlacements } from './printer-placements';

/**
 * `DashboardPublisher` for any role (api, worker, inference): no gateway, no sockets of its own. In the api, the
 * dashboard gateway attaches its namespace to the same `DashboardFanout`.
 */
@Module({
  imports: [PrinterDirectoryModule],
  providers: [LiveStateStore, PrinterPlacements, DashboardFanout, DashboardPublisher, PrinterFacts],
  exports: [
    PrinterDirectoryModule,
    LiveStateStore,
    PrinterPlacements,
    DashboardFanout,
    DashboardPublisher,
    PrinterFacts,
  ],
})
export class DashboardPublisherModule {}
