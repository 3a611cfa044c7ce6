export { ReportSettings } from './entities/report-settings.entity';
export { ReportDailyRollup, PRINT_RESULTS } from './entities/report-daily-rollup.entity';
export type { PrintResult } from './entities/report-daily-rollup.entity';
export { PrinterStateInterval } from './entities/printer-state-interval.entity';
export { ReportsModule } from './reports.module';
export { ReportsService, MAX_REPORT_DAYS } from './reports.service';
export { ReportsJobs, REPORTS_REFRESH_EVERY_MS, REPORTS_RECENT_DAYS } from './jobs/reports.jobs';
export { EXPORT_TABLES } from './dto/report.dto';
export type { ExportTable } from './dto/report.dto';
