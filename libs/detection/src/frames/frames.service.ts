import type { ReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import type { AppAbility } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { PrintersService } from '@farmhand/printers';
import type { DetectionFrame } from '../entities/detection-frame.entity';
import { FrameStorage } from './frame-storage';
import { FramesRepository } from './frames.repository';

export interface OpenedFrame {
  /** The frame's id (what a label names: PUT …/frames/:frameId/label). */
  id: string;
  stream: ReadStream;
  bytes: number;
  takenAt: Date;
}

/** Reading frames: the caller must be able to read the frame's printer (fleet limits included), else 404. */
@Injectable()
export class FramesService {
  constructor(
    private readonly frames: FramesRepository,
    private readonly storage: FrameStorage,
    private readonly printers: PrintersService,
  ) {}

  async openLatest(ability: AppAbility, orgId: string, printerId: string): Promise<OpenedFrame> {
    await this.printers.get(ability, orgId, printerId);
    const frame = await this.frames.latestOfPrinter(orgId, printerId);
    return this.openFile(frame);
  }

  async open(ability: AppAbility, orgId: string, frameId: string): Promise<OpenedFrame> {
    const frame = await this.frames.findInOrg(orgId, frameId);
    // A frame of a printer the caller may not read (another fleet) does not exist for them.
    const readable =
      frame &&
      (await this.printers.get(ability, orgId, frame.printerId).then(
        () => true,
        () => false,
      ));
    return this.openFile(readable ? frame : null);
  }

  private async openFile(frame: DetectionFrame | null): Promise<OpenedFrame> {
    if (frame) {
      try {
        await access(this.storage.absolute(frame.storagePath));
        return {
          id: frame.id,
          stream: this.storage.open(frame.storagePath),
          bytes: frame.bytes,
          takenAt: frame.takenAt,
        };
      } catch {
        // the row outlived its file (a prune in progress): same answer as no frame
      }
    }
    throw DomainException.notFound('frame_not_found', 'Frame not found');
  }
}
