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

/**
 * The inference role: consumes the `inference` queue, scores frames with the model in micro-batches and runs the
 * detection chain (alerts, automatic pause through the control path). Serves no HTTP except /metrics. It imports
 * NotificationsModule because the detector's events are emitted here and its listeners enqueue the webhooks.
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
      providers: [InferenceRuntime, FrameInferenceJobs],
      exports: [InferenceRuntime],
    };
  }
}
