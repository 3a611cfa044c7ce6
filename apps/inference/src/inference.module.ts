import { Module, type DynamicModule } from '@nestjs/common';
import { AccountsModule } from '@farmhand/accounts';
import { AuditModule } from '@farmhand/audit';
import { AuthzModule } from '@farmhand/authz';
import { CoreModule, type AppConfig } from '@farmhand/core';
import { DetectionModule } from '@farmhand/detection';
import { NotificationsModule } from '@farmhand/notifications';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { FrameInferenceJobs } from './runtime/frame-inference.jobs';
import { InferenceRuntime } from './runtime/inference-runtime';
import { OrganizationHeads } from './runtime/organization-heads';
import { DetectorTrainingJobs } from './training/detector-training.jobs';

/**
 * The inference role: consumes the `inference` queue, scores frames with the model in micro-batches (each frame with
 * its organization's own head when one is active) and runs the detection chain (alerts, automatic pause through the
 * control path). It also consumes `training` (`detector.train`): an organization's own head is trained here, where
 * the backbone is. Serves no HTTP except /metrics. It imports NotificationsModule because the detector's events are
 * emitted here and its listeners enqueue the webhooks.
 */
@Module({})
export class InferenceModule {
  static forRoot(config: AppConfig, logger: Logger, dataSource: DataSource): DynamicModule {
    return {
      module: InferenceModule,
      imports: [
        CoreModule.forRoot(config, logger, dataSource),
        AuthzModule,
        AuditModule,
        AccountsModule,
        DetectionModule,
        NotificationsModule,
      ],
      providers: [InferenceRuntime, OrganizationHeads, FrameInferenceJobs, DetectorTrainingJobs],
      exports: [InferenceRuntime],
    };
  }
}
