import { Module, type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@farmhand/core';
import { PrinterDirectoryModule } from '@farmhand/printers';
import { SpoolDirectory } from './spool-directory';
import { SpoolUsageRecorder } from './spool-usage.recorder';
import { SpoolsController } from './spools.controller';
import { SpoolsRepository } from './spools.repository';
import { SpoolsService } from './spools.service';
import { SpoolmanClient } from './spoolman/spoolman-client';
import { SpoolmanSecretCipher } from './spoolman/spoolman-secret.cipher';
import { SpoolmanController } from './spoolman/spoolman.controller';
import { SpoolmanJobs } from './spoolman/spoolman.jobs';
import { SpoolmanRepository } from './spoolman/spoolman.repository';
import { SpoolmanService } from './spoolman/spoolman.service';
import { SPOOLMAN_CLIENT, SPOOLMAN_SECRET_CIPHER } from './spoolman/spoolman.tokens';

const SPOOLMAN_PROVIDERS: Provider[] = [
  SpoolmanRepository,
  { provide: SPOOLMAN_CLIENT, useFactory: () => new SpoolmanClient() },
  {
    provide: SPOOLMAN_SECRET_CIPHER,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => new SpoolmanSecretCipher(config.SECRET_KEY),
  },
];

/**
 * The read provider and the usage command, without routes: what libs/jobs needs of spools (the scheduler reads
 * loaded spools, a print's end deducts its filament) in every role.
 */
@Module({
  // SpoolmanJobs: queues each committed Spoolman usage and writes it (the `spoolman.use` job, in the worker).
  providers: [SpoolsRepository, SpoolDirectory, SpoolUsageRecorder, SpoolmanJobs, ...SPOOLMAN_PROVIDERS],
  exports: [SpoolDirectory, SpoolUsageRecorder],
})
export class SpoolUsageModule {}

/** The spool inventory's routes (the api). */
@Module({
  imports: [PrinterDirectoryModule],
  controllers: [SpoolsController, SpoolmanController],
  providers: [SpoolsRepository, SpoolsService, SpoolmanService, ...SPOOLMAN_PROVIDERS],
  exports: [SpoolsService],
})
export class SpoolsModule {}
