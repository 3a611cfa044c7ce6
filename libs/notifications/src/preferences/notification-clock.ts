import { Injectable } from '@nestjs/common';

/** The time personal delivery decides by (quiet hours, digest hour): one seam, so tests can drive it. */
@Injectable()
export class NotificationClock {
  now(): Date {
    return new Date();
  }
}
