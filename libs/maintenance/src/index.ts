export { MaintenanceModule, MaintenanceDirectoryModule } from './maintenance.module';
export { MaintenanceService, taskState, DUE_SHARE } from './maintenance.service';
export { MaintenanceDirectory } from './maintenance-directory';
export type { PrintRun } from './maintenance-directory';
export { MaintenanceTask, INTERVAL_KINDS } from './entities/maintenance-task.entity';
export type { IntervalKind } from './entities/maintenance-task.entity';
export { MaintenanceCompletion } from './entities/maintenance-completion.entity';
export { PrinterUsageTotal } from './entities/printer-usage-total.entity';
export { MaintenancePhoto } from './entities/maintenance-photo.entity';
