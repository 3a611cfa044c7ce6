import { Injectable } from '@nestjs/common';
import { OnJob } from '@farmhand/core';
import { AuthService } from './auth.service';

@Injectable()
export class AccountsJobs {
  constructor(private readonly auth: AuthService) {}

  @OnJob('sessions.prune')
  async pruneSessions(): Promise<{ status: string; deleted: number }> {
    return { status: 'pruned', deleted: await this.auth.pruneSessions() };
  }
}
