import { Module } from '@nestjs/common';
import { AccountsModule } from '@farmhand/accounts';
import { PrintersController } from './printers.controller';
import { PrintersRepository } from './printers.repository';
import { PrintersService } from './printers.service';

@Module({
  imports: [AccountsModule],
  controllers: [PrintersController],
  providers: [PrintersRepository, PrintersService],
  exports: [PrintersRepository, PrintersService],
})
export class PrintersModule {}
