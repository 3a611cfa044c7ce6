import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@farmhand/core';
import { PrinterDirectoryModule } from '@farmhand/printers';
import { FileDirectory } from './file-directory';
import { FileDownloadsController, FilesController } from './files.controller';
import { FileUsageRegistry } from './file-usage.registry';
import { FilesRepository } from './files.repository';
import { FilesService } from './files.service';
import { FilesStagingJobs } from './jobs/files-staging.jobs';
import { FILE_STORAGE } from './storage/file-storage';
import { LocalDiskFileStorage } from './storage/local-disk-file-storage';

@Module({
  imports: [PrinterDirectoryModule],
  controllers: [FilesController, FileDownloadsController],
  providers: [
    FilesRepository,
    FilesService,
    FileDirectory,
    FileUsageRegistry,
    FilesStagingJobs,
    {
      // S3-compatible storage can be bound here later; everything else speaks FileStorage.
      provide: FILE_STORAGE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new LocalDiskFileStorage({ dataDir: config.DATA_DIR, durable: config.NODE_ENV !== 'test' }),
    },
  ],
  exports: [FilesService, FileUsageRegistry, FileDirectory],
})
export class FilesModule {}
