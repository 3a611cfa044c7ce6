import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid } from '@farmhand/core';
import { Allow } from 'class-validator';
import {
  DETECTOR_HEAD_STATES,
  DETECTOR_TRAINING_STATES,
  FRAME_LABELS,
  type DetectorHeadState,
  type DetectorTrainingState,
  type FrameLabel,
} from '../entities/detector.entity';

export class LabelFrameDto {
  /** Checked by the service (400 `invalid_label`, field `label`), so the code names what is wrong. */
  @ApiProperty({
    enum: FRAME_LABELS,
    enumName: 'FrameLabel',
    nullable: true,
    description: '`failure` ("this is a failure"), `ok` ("this looks fine"), or null to remove your label',
  })
  @Allow()
  label!: FrameLabel | null;
}

export class FrameLabelDto {
  @ApiUuid() frameId!: string;
  @ApiProperty({ enum: FRAME_LABELS, enumName: 'FrameLabel', nullable: true }) label!: FrameLabel | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who labelled it' }) labelledBy!: string | null;
  @ApiDateTime({ nullable: true }) labelledAt!: string | null;
}

export class LabelCountsDto {
  @ApiProperty({ description: 'Frames labelled as a failure' }) failure!: number;
  @ApiProperty({ description: 'Frames labelled as fine' }) ok!: number;
  @ApiProperty({ description: 'Labels that came from alert verdicts and print outcomes' }) fromVerdicts!: number;
  @ApiProperty({ description: 'Labels people set on frames (they beat verdicts)' }) fromPeople!: number;
}

export class LabelMinimumDto {
  @ApiProperty() failure!: number;
  @ApiProperty() ok!: number;
}

export class DetectorTrainingDto {
  @ApiProperty({ enum: DETECTOR_TRAINING_STATES, enumName: 'DetectorTrainingState' }) state!: DetectorTrainingState;
  @ApiDateTime({ nullable: true }) startedAt!: string | null;
  @ApiDateTime({ nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last training failed' }) error!: string | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 1, description: '0..1 while running' })
  progress!: number | null;
}

export class HeadMetricsDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Flagged failures / flagged frames (null: none flagged)' })
  precision!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Flagged failures / failures (null: no failures)' })
  recall!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Flagged fine frames / fine frames (null: none)' })
  falseAlarmRate!: number | null;
}

export class HeadComparisonDto {
  @ApiProperty({ type: HeadMetricsDto, description: 'This head, on the held-out frames' }) candidate!: HeadMetricsDto;
  @ApiProperty({ type: HeadMetricsDto, description: 'The head active when it was trained, on the same frames' })
  current!: HeadMetricsDto;
}

export class DetectorHeadDto {
  @ApiUuid() id!: string;
  @ApiProperty({ description: '1, 2, 3… per organization' }) version!: number;
  @ApiProperty({ enum: DETECTOR_HEAD_STATES, enumName: 'DetectorHeadState' }) state!: DetectorHeadState;
  @ApiDateTime() createdAt!: string;
  @ApiDateTime({ nullable: true }) activatedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who activated it last' }) activatedBy!: string | null;
  @ApiProperty({ type: LabelMinimumDto, description: 'Labelled frames it was trained on' })
  trainedOn!: LabelMinimumDto;
  @ApiProperty({ type: LabelMinimumDto, description: 'Labelled frames kept out of training to measure it' })
  heldOut!: LabelMinimumDto;
  @ApiProperty({ description: 'The alert point both heads were measured at' }) threshold!: number;
  @ApiProperty({ type: HeadComparisonDto }) metrics!: HeadComparisonDto;
  @ApiProperty({ description: 'It did at least as well as the current head on the held-out frames' })
  better!: boolean;
}

export class DetectorDto {
  @ApiUuid({ nullable: true, description: 'The active head; null: the shipped default head' })
  activeHeadId!: string | null;
  @ApiProperty({ type: LabelCountsDto }) labelled!: LabelCountsDto;
  @ApiProperty({ type: LabelMinimumDto, description: 'Labels needed before training is allowed' })
  minimum!: LabelMinimumDto;
  @ApiProperty({ type: DetectorTrainingDto }) training!: DetectorTrainingDto;
  @ApiProperty({ type: [DetectorHeadDto], description: 'Newest first, at most 20' }) heads!: DetectorHeadDto[];
}

export class TrainingQueuedDto {
  @ApiProperty({ enum: ['queued'] }) state!: 'queued';
}

export class RollbackDto {
  @ApiUuid({ nullable: true, description: 'The head active now; null: the shipped default head' })
  activeHeadId!: string | null;
}
