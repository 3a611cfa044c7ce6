import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EnrollmentPairing, PairingStatus } from '../entities/enrollment-pairing.entity';

/** Serializes pairing requests while they count the live pairings, on every api instance (pg advisory lock). */
const PAIRING_CAP_LOCK = 0x66_68_70_61; // 'fhpa'

export interface NewPairing {
  deviceCodeHash: string;
  userCodeHash: string;
  lifetimeSeconds: number;
  pollIntervalSeconds: number;
  agentVersion: string;
  agentHostname: string;
}

/** A pairing row as the poll sees it, with the database's clock so that app and database never disagree on time. */
export interface PolledPairing {
  id: string;
  status: PairingStatus;
  expiresAt: Date;
  lastPolledAt: Date | null;
  pollIntervalSeconds: number;
  orgId: string | null;
  printerId: string | null;
  agentVersion: string;
  agentHostname: string;
  now: Date;
}

export interface ClaimedPairing {
  id: string;
  agentVersion: string;
  agentHostname: string;
}

@Injectable()
export class PairingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts a pending pairing unless `maxLive` pending pairings are already live; null when full. Also deletes
   * pairings that expired more than `retentionSeconds` ago.
   */
  insertWithinCap(
    pairing: NewPairing,
    maxLive: number,
    retentionSeconds: number,
  ): Promise<Pick<EnrollmentPairing, 'id' | 'expiresAt'> | null> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [PAIRING_CAP_LOCK]);
      await manager.query(`DELETE FROM enrollment_pairings WHERE expires_at < now() - make_interval(secs => $1)`, [
        retentionSeconds,
      ]);
      const [{ live }]: Array<{ live: number }> = await manager.query(
        `SELECT count(*)::int AS live FROM enrollment_pairings WHERE status = 'pending' AND expires_at > now()`,
      );
      if (live >= maxLive) return null;
      const [row]: Array<{ id: string; expiresAt: Date }> = await manager.query(
        `INSERT INTO enrollment_pairings
           (device_code_hash, user_code_hash, status, expires_at, poll_interval_seconds, agent_version, agent_hostname)
         VALUES ($1, $2, 'pending', now() + make_interval(secs => $3), $4, $5, $6)
         RETURNING id, expires_at AS "expiresAt"`,
        [
          pairing.deviceCodeHash,
          pairing.userCodeHash,
          pairing.lifetimeSeconds,
          pairing.pollIntervalSeconds,
          pairing.agentVersion,
          pairing.agentHostname,
        ],
      );
      return row;
    });
  }

  /**
   * The pairing of a device code, row-locked until the caller's transaction ends (polls of one device queue). Only
   * this table is read here: a poll that waited for a claim's lock sees the claimed row, but a join would still see
   * the snapshot from before the claim (READ COMMITTED re-reads only the locked row).
   */
  async lockByDeviceCode(manager: EntityManager, deviceCodeHash: string): Promise<PolledPairing | null> {
    const [row]: PolledPairing[] = await manager.query(
      `SELECT id, status, expires_at AS "expiresAt", last_polled_at AS "lastPolledAt",
              poll_interval_seconds AS "pollIntervalSeconds", org_id AS "orgId", printer_id AS "printerId",
              agent_version AS "agentVersion", agent_hostname AS "agentHostname", now() AS now
         FROM enrollment_pairings
        WHERE device_code_hash = $1
          FOR UPDATE`,
      [deviceCodeHash],
    );
    return row ?? null;
  }

  async recordPoll(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE enrollment_pairings SET last_polled_at = now() WHERE id = $1`, [id]);
  }

  async setPollInterval(manager: EntityManager, id: string, seconds: number): Promise<void> {
    await manager.query(`UPDATE enrollment_pairings SET poll_interval_seconds = $2 WHERE id = $1`, [id, seconds]);
  }

  /** approved -> redeemed, exactly once: true only for the one caller whose conditional UPDATE matched. */
  async markRedeemed(manager: EntityManager, id: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await manager.query(
      `UPDATE enrollment_pairings SET status = 'redeemed', redeemed_at = now()
        WHERE id = $1 AND status = 'approved' AND expires_at > now()`,
      [id],
    );
    return affected === 1;
  }

  /**
   * pending -> approved|denied for the organization, in one conditional UPDATE on a pending, unexpired row: of two
   * admins typing the same code at once, exactly one gets the row. Null when no pending pairing has the code.
   */
  async decide(
    manager: EntityManager,
    userCodeHash: string,
    orgId: string,
    status: 'approved' | 'denied',
  ): Promise<ClaimedPairing | null> {
    const [rows]: [ClaimedPairing[], number] = await manager.query(
      `UPDATE enrollment_pairings SET status = $3, org_id = $2, decided_at = now()
        WHERE user_code_hash = $1 AND status = 'pending' AND expires_at > now()
        RETURNING id, agent_version AS "agentVersion", agent_hostname AS "agentHostname"`,
      [userCodeHash, orgId, status],
    );
    return rows[0] ?? null;
  }

  async attachPrinter(manager: EntityManager, id: string, printerId: string): Promise<void> {
    await manager.query(`UPDATE enrollment_pairings SET printer_id = $2 WHERE id = $1`, [id, printerId]);
  }
}
