import { readFileSync, renameSync, writeFileSync } from 'node:fs';

import type { JobRef } from '@farmhand/protocol';

interface Entry {
  sha256?: string;
  copyId?: string;
  at: number;
}

const MAX_ENTRIES = 200;

/**
 * Remembers which Farmhand file (sha256) and copy each dispatched OctoPrint path belongs to, so status and
 * events name the job even after the agent restarts mid-print. Persisted to a small JSON file when a path is given.
 */
export class JobLedger {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly file: string | null = null) {
    if (file) this.load(file);
  }

  remember(path: string, entry: Omit<Entry, 'at'>): void {
    this.entries.delete(path);
    this.entries.set(path, { ...entry, at: Date.now() });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.save();
  }

  jobRef(path: string): JobRef {
    const entry = this.entries.get(path);
    const ref: JobRef = { fileName: path.slice(0, 1_024) };
    if (entry?.sha256) ref.sha256 = entry.sha256;
    if (entry?.copyId) ref.copyId = entry.copyId;
    return ref;
  }

  private load(file: string): void {
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Entry>;
      for (const [path, entry] of Object.entries(data).slice(-MAX_ENTRIES)) {
        if (typeof entry === 'object' && entry !== null && typeof entry.at === 'number') this.entries.set(path, entry);
      }
    } catch {
      // Missing or unreadable: start empty; it only enriches reports.
    }
  }

  private save(): void {
    if (!this.file) return;
    try {
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(Object.fromEntries(this.entries)), { mode: 0o600 });
      renameSync(temporary, this.file);
    } catch {
      // Best effort; losing it only drops the sha256/copyId from reports.
    }
  }
}
