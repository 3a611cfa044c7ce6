import { Module } from '@nestjs/common';
import { AccountsModule } from '@farmhand/accounts';
import { PrintersModule } from '@farmhand/printers';
import { ClientAddressLimiter } from './client-address.limiter';
import { AgentAuthenticator } from './credentials/agent.authenticator';
import { PrinterCredentialsController } from './credentials/printer-credentials.controller';
import { PrinterCredentialsRepository } from './credentials/printer-credentials.repository';
import { PrinterCredentialsService } from './credentials/printer-credentials.service';
import { EnrollmentImportsController } from './imports/enrollment-imports.controller';
import { EnrollmentImportsRepository } from './imports/enrollment-imports.repository';
import { EnrollmentImportsService } from './imports/enrollment-imports.service';
import { ImportProgressStore } from './imports/import-progress.store';
import { PairingAgentController } from './pairing/pairing-agent.controller';
import { PairingClaimLimiter } from './pairing/pairing-claim.limiter';
import { PairingClaimsController } from './pairing/pairing-claims.controller';
import { PairingsRepository } from './pairing/pairings.repository';
import { PairingsService } from './pairing/pairings.service';
import { EnrollmentRedeemController } from './tokens/enrollment-redeem.controller';
import { EnrollmentTokensController } from './tokens/enrollment-tokens.controller';
import { EnrollmentTokensRepository } from './tokens/enrollment-tokens.repository';
import { EnrollmentTokensService } from './tokens/enrollment-tokens.service';

/** How printers join an organization: pairing codes, enrollment tokens, bulk CSV; and their agent credentials. */
@Module({
  imports: [AccountsModule, PrintersModule],
  controllers: [
    PrinterCredentialsController,
    PairingAgentController,
    PairingClaimsController,
    EnrollmentTokensController,
    EnrollmentRedeemController,
    EnrollmentImportsController,
  ],
  providers: [
    PrinterCredentialsRepository,
    PrinterCredentialsService,
    AgentAuthenticator,
    ClientAddressLimiter,
    PairingsRepository,
    PairingClaimLimiter,
    PairingsService,
    EnrollmentTokensRepository,
    EnrollmentTokensService,
    EnrollmentImportsRepository,
    ImportProgressStore,
    EnrollmentImportsService,
  ],
  exports: [PrinterCredentialsService],
})
export class EnrollmentModule {}
