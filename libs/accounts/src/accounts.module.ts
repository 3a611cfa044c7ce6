import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@farmhand/core';
import { FleetDirectory } from './fleet-directory';
import { MemberDirectory } from './member-directory';
import { OrganizationDirectory } from './organization-directory';
import { AccountsAuthenticator } from './accounts.authenticator';
import { AccountsJobs } from './accounts.jobs';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ProfileService } from './profile.service';
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
import { AccountTokensRepository } from './recovery/account-tokens.repository';
import { EmailVerificationService } from './recovery/email-verification.service';
import { PasswordResetService } from './recovery/password-reset.service';
import { RecoveryController } from './recovery/recovery.controller';
import { SecurityLogController } from './sessions/security-log.controller';
import { SecurityLog } from './sessions/security-log.service';
import { OrganizationSecurityService } from './two-factor/organization-security.service';
import { OrganizationSecurityController, TwoFactorController } from './two-factor/two-factor.controller';
import { PasskeysController } from './passkeys/passkeys.controller';
import { PasskeysRepository } from './passkeys/passkeys.repository';
import { PasskeysService } from './passkeys/passkeys.service';
import { TwoFactorRepository } from './two-factor/two-factor.repository';
import { TwoFactorService } from './two-factor/two-factor.service';
import { OidcClient } from './sso/oidc-client';
import { SsoConfigService } from './sso/sso-config.service';
import { SsoPasswordPolicy } from './sso/sso-password-policy';
import { SsoSecretCipher } from './sso/sso-secret.cipher';
import { SsoSignInService } from './sso/sso-sign-in.service';
import { SsoConfigController, SsoSignInController } from './sso/sso.controller';
import { SsoRepository } from './sso/sso.repository';
import { SSO_SECRET_CIPHER } from './sso/sso.tokens';

@Module({
  controllers: [
    AuthController,
    OrganizationsController,
    InvitationsController,
    FleetsController,
    ApiKeysController,
    TwoFactorController,
    PasskeysController,
    OrganizationSecurityController,
    RecoveryController,
    SecurityLogController,
    SsoConfigController,
    SsoSignInController,
  ],
  providers: [
    FleetDirectory,
    MemberDirectory,
    OrganizationDirectory,
    UsersRepository,
    OrganizationsRepository,
    InvitationsRepository,
    FleetsRepository,
    ApiKeysRepository,
    AuthService,
    ProfileService,
    AccountsAuthenticator,
    OrganizationsService,
    MembersService,
    InvitationsService,
    FleetsService,
    ApiKeysService,
    AccountsJobs,
    SecurityLog,
    TwoFactorRepository,
    TwoFactorService,
    PasskeysRepository,
    PasskeysService,
    OrganizationSecurityService,
    AccountTokensRepository,
    EmailVerificationService,
    PasswordResetService,
    SsoRepository,
    SsoPasswordPolicy,
    SsoConfigService,
    SsoSignInService,
    OidcClient,
    {
      provide: SSO_SECRET_CIPHER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new SsoSecretCipher(config.SECRET_KEY),
    },
  ],
  exports: [FleetDirectory, OrganizationDirectory, MemberDirectory, SecurityLog],
})
export class AccountsModule {}
