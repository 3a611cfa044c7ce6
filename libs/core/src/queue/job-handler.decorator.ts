import { SetMetadata } from '@nestjs/common';
import type { JobName } from './queue.registry';

export const JOB_HANDLER_METADATA = 'farmhand:job-handler';

/** Marks a provider method as the handler of one job name. */
export const OnJob = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER_METADATA, name);
