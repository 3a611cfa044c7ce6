import { Module } from '@nestjs/common';
import { PrinterDirectoryModule } from '@farmhand/printers';
import { MaintenanceController } from './maintenance.controller';
import { MaintenanceDirectory } from './maintenance-directory';
import { MaintenanceDueJobs } from './maintenance-due.jobs';
import { MaintenanceRepository } from './maintenance.repository';
import { MaintenanceService } from './maintenance.service';
import { MaintenancePhotosController } from './photos/maintenance-photos.controller';
import { MaintenancePhotosService } from './photos/maintenance-photos.service';
import { PhotoStorage } from './photos/photo-storage';

/**
 * What libs/jobs needs of maintenance in every role: holds for the scheduler, counters for ended prints; and the
 * periodic `maintenance.due` pass (its job runs where the maintenance queue is consumed: the worker).
 */
@Module({
  providers: [MaintenanceRepository, MaintenanceDirectory, MaintenanceDueJobs],
  exports: [MaintenanceDirectory],
})
export class MaintenanceDirectoryModule {}

/** Maintenance's routes (the api). */
@Module({
  imports: [PrinterDirectoryModule],
  controllers: [MaintenanceController, MaintenancePhotosController],
  providers: [MaintenanceRepository, MaintenanceService, MaintenancePhotosService, PhotoStorage],
  exports: [MaintenanceService],
})
export class MaintenanceModule {}
