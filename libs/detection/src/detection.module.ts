import { Module } from '@nestjs/common';
import { AgentsModule } from '@farmhand/agents';
import { DashboardPublisherModule } from '@farmhand/dashboard';
import { CopyDirectoryModule } from '@farmhand/jobs';
import { PrintersModule } from '@farmhand/printers';
import { AlertFactsListener } from './alerts/alert-facts.listener';
import { AlertsController } from './alerts/alerts.controller';
import { AlertsRepository } from './alerts/alerts.repository';
import { AlertsService } from './alerts/alerts.service';
import { DetectionChainService } from './chain/detection-chain.service';
import { ScoreSettlementListener } from './chain/score-settlement.listener';
import { ScoreStateStore } from './chain/score-state.store';
import { DatasetController } from './dataset/dataset.controller';
import { DatasetRepository } from './dataset/dataset.repository';
import { DatasetService } from './dataset/dataset.service';
import { DetectorController } from './detector/detector.controller';
import { DetectorRepository } from './detector/detector.repository';
import { DetectorService } from './detector/detector.service';
import { DetectorTrainingService } from './detector/detector-training.service';
import { AgentFramesController } from './frames/agent-frames.controller';
import { FrameIngestService } from './frames/frame-ingest.service';
import { FrameRetentionJobs } from './frames/frame-retention.jobs';
import { FrameStorage } from './frames/frame-storage';
import { FramesController } from './frames/frames.controller';
import { FramesRepository } from './frames/frames.repository';
import { FramesService } from './frames/frames.service';
import { PrintIdentityStore } from './frames/print-identity.store';

/**
 * Failure detection. The api serves frame uploads, frames, alerts and the dataset; the worker runs `frames.prune`;
 * the inference role (apps/inference) scores frames and runs DetectionChainService. No sharp decoding or onnxruntime
 * here: the api reads JPEG headers only.
 */
@Module({
  imports: [PrintersModule, AgentsModule, DashboardPublisherModule, CopyDirectoryModule],
  controllers: [AgentFramesController, FramesController, AlertsController, DatasetController, DetectorController],
  providers: [
    FramesRepository,
    FrameStorage,
    FrameIngestService,
    FramesService,
    FrameRetentionJobs,
    PrintIdentityStore,
    AlertsRepository,
    AlertsService,
    AlertFactsListener,
    ScoreStateStore,
    ScoreSettlementListener,
    DetectionChainService,
    DatasetRepository,
    DatasetService,
    DetectorRepository,
    DetectorService,
    DetectorTrainingService,
  ],
  exports: [
    FramesRepository,
    FrameStorage,
    DetectionChainService,
    ScoreStateStore,
    AlertsService,
    DetectorService,
    DetectorTrainingService,
  ],
})
export class DetectionModule {}
