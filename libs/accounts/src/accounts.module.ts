import { Module } from '@nestjs/common';
import { AccountsAuthenticator } from './accounts.authenticator';
import { AccountsJobs } from './accounts.jobs';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { FleetsRepository } from './fleets.repository';
import { FleetsService } from './fleets.service';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MembersService } from './members.service';
import {
  ApiKeysController,
  FleetsController,
  InvitationsController,
  OrganizationsController,
} from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { UsersRepository } from './users.repository';

@Module({
  controllers: [AuthController, OrganizationsController, InvitationsController, FleetsController, ApiKeysController],
  providers: [
    UsersRepository,
    OrganizationsRepository,
    InvitationsRepository,
    FleetsRepository,
    ApiKeysRepository,
    AuthService,
    AccountsAuthenticator,
    OrganizationsService,
    MembersService,
    InvitationsService,
    FleetsService,
    ApiKeysService,
    AccountsJobs,
  ],
  exports: [FleetsRepository],
})
export class AccountsModule {}
