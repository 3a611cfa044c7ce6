import { Module } from '@nestjs/common';
import { PrinterDirectoryModule } from '@farmhand/printers';
import { SpoolDirectory } from './spool-directory';
import { SpoolUsageRecorder } from './spool-usage.recorder';
import { SpoolsController } from './spools.controller';
import { SpoolsRepository } from './spools.repository';
import { SpoolsService } from './spools.service';

/**
 * The read provider and the usage command, without routes: what libs/jobs needs of spools (the scheduler reads
 * loaded spools, a print's end deducts its filament) in every role.
 */
@Module({
  providers: [SpoolsRepository, SpoolDirectory, SpoolUsageRecorder],
  exports: [SpoolDirectory, SpoolUsageRecorder],
})
export class SpoolUsageModule {}

/** The spool inventory's routes (the api). */
@Module({
  imports: [PrinterDirectoryModule],
  controllers: [SpoolsController],
  providers: [SpoolsRepository, SpoolsService],
  exports: [SpoolsService],
})
export class SpoolsModule {}
