import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Says why a file cannot be deleted right now (e.g. "queued in 2 jobs"), or null when nothing needs it. */
export type FileUsageCheck = (manager: EntityManager, orgId: string, fileId: string) => Promise<string | null>;

/**
 * Domains that reference G-code files (jobs) register a check here at boot, the way authenticators register with
 * the AuthenticatorRegistry: files stays free of any dependency on them, and a file in use is never deleted.
 */
@Injectable()
export class FileUsageRegistry {
  private readonly checks: FileUsageCheck[] = [];

  register(check: FileUsageCheck): void {
    this.checks.push(check);
  }

  async firstUse(manager: EntityManager, orgId: string, fileId: string): Promise<string | null> {
    for (const check of this.checks) {
      const use = await check(manager, orgId, fileId);
      if (use) return use;
    }
    return null;
  }
}
