import { Module } from '@nestjs/common';
import { PrintersModule } from '@farmhand/printers';
import { AgentAuthenticator } from './credentials/agent.authenticator';
import { PrinterCredentialsController } from './credentials/printer-credentials.controller';
import { PrinterCredentialsRepository } from './credentials/printer-credentials.repository';
import { PrinterCredentialsService } from './credentials/printer-credentials.service';

@Module({
  imports: [PrintersModule],
  controllers: [PrinterCredentialsController],
  providers: [PrinterCredentialsRepository, PrinterCredentialsService, AgentAuthenticator],
  exports: [PrinterCredentialsService],
})
export class EnrollmentModule {}
