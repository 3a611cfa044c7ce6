import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditListener } from './audit.listener';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditListener],
  exports: [AuditService],
})
export class AuditModule {}
