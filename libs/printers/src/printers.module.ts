import { Module } from '@nestjs/common';
import { AccountsModule } from '@farmhand/accounts';
import { PrinterDefaultsController } from './defaults/printer-defaults.controller';
import { PrinterDefaultsRepository } from './defaults/printer-defaults.repository';
import { PrinterDefaultsService } from './defaults/printer-defaults.service';
import { EnrolledPrintersRepository } from './enrolled-printers.repository';
import { PrinterDirectoryModule } from './printer-directory';
import { PrinterStateRepository } from './printer-state.repository';
import { PrintersController } from './printers.controller';
import { PrintersRepository } from './printers.repository';
import { PrintersService } from './printers.service';

/**
 * Owns `printers` and `printer_defaults` (defaults for new printers, applied by EnrolledPrintersRepository). Other libraries write it through PrintersService (operators' changes), PrinterStateRepository
 * (presence: state and last seen) and EnrolledPrintersRepository (printers created or updated by enrollment), and
 * read it through PrinterDirectory or, inside their own SQL, PRINTERS_TABLE.
 */
@Module({
  imports: [AccountsModule, PrinterDirectoryModule],
  controllers: [PrintersController, PrinterDefaultsController],
  providers: [
    PrintersRepository,
    PrintersService,
    PrinterStateRepository,
    EnrolledPrintersRepository,
    PrinterDefaultsRepository,
    PrinterDefaultsService,
  ],
  exports: [PrintersService, PrinterStateRepository, EnrolledPrintersRepository, PrinterDirectoryModule],
})
export class PrintersModule {}
