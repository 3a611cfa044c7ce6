import { Injectable } from '@nestjs/common';
import type { ConditionColumns, SqlCondition } from '@farmhand/authz';
import { DataSource, type EntityManager } from 'typeorm';
import { EnrollmentToken, type EnrollmentTokenSource, type PrinterTemplate } from '../entities/enrollment-token.entity';

export interface NewEnrollmentToken {
  id: string;
  orgId: string;
  fleetId: string;
  printerId: string | null;
  tokenHash: string;
  source: EnrollmentTokenSource;
  printerName: string | null;
  template: PrinterTemplate;
  octoprintUrl: string | null;
  uses: number;
  expiresAt: Date;
}

/** A token's binding, as one use of it was consumed. */
export interface ConsumedToken {
  id: string;
  orgId: string;
  fleetId: string;
  printerId: string | null;
  printerName: string | null;
  template: PrinterTemplate;
  octoprintUrl: string | null;
}

/** The `EnrollmentToken` subject's condition fields as columns of `list` (alias `token`). */
export const TOKEN_CONDITION_COLUMNS: ConditionColumns = {
  orgId: { column: 'token.org_id', type: 'uuid' },
  fleetId: { column: 'token.fleet_id', type: 'uuid' },
};

export interface TokenListQuery {
  orgId: string;
  /** The tokens the caller may read, from their ability. */
  readable: SqlCondition;
  source?: EnrollmentTokenSource;
  /** Only tokens that can still be redeemed. */
  usableOnly: boolean;
  limit: number;
  offset: number;
}

@Injectable()
export class EnrollmentTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, token: NewEnrollmentToken): Promise<EnrollmentToken> {
    const repository = manager.getRepository(EnrollmentToken);
    const { uses, ...rest } = token;
    await repository.insert({ ...rest, usesAllowed: uses, usesLeft: uses, revokedAt: null, lastUsedAt: null });
    return repository.findOneByOrFail({ id: token.id });
  }

  /** One statement for a whole import's tokens. */
  async insertMany(manager: EntityManager, tokens: NewEnrollmentToken[]): Promise<void> {
    if (tokens.length === 0) return;
    await manager.query(
      `INSERT INTO enrollment_tokens
         (id, org_id, fleet_id, printer_id, token_hash, source, printer_name, template, octoprint_url,
          uses_allowed, uses_left, expires_at)
       SELECT v.id, v.org_id, v.fleet_id, v.printer_id, v.token_hash, v.source, v.printer_name, v.template,
              v.octoprint_url, v.uses, v.uses, v.expires_at
         FROM unnest($1::varchar[], $2::uuid[], $3::uuid[], $4::uuid[], $5::char(64)[], $6::varchar[], $7::varchar[],
                     $8::jsonb[], $9::varchar[], $10::int[], $11::timestamptz[])
              AS v(id, org_id, fleet_id, printer_id, token_hash, source, printer_name, template, octoprint_url, uses,
                   expires_at)`,
      [
        tokens.map((token) => token.id),
        tokens.map((token) => token.orgId),
        tokens.map((token) => token.fleetId),
        tokens.map((token) => token.printerId),
        tokens.map((token) => token.tokenHash),
        tokens.map((token) => token.source),
        tokens.map((token) => token.printerName),
        tokens.map((token) => JSON.stringify(token.template)),
        tokens.map((token) => token.octoprintUrl),
        tokens.map((token) => token.uses),
        tokens.map((token) => token.expiresAt.toISOString()),
      ],
    );
  }

  /** The stored hash of a token id, to verify a presented token before anything is consumed. */
  async findHash(id: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(EnrollmentToken)
      .createQueryBuilder('token')
      .select('token.id')
      .addSelect('token.tokenHash')
      .where('token.id = :id', { id })
      .getOne();
    return row?.tokenHash ?? null;
  }

  /**
   * Consumes one use in a single conditional UPDATE: of two concurrent redemptions of the last use, exactly one
   * matches. Null when the token is used up, expired, revoked, or not this hash.
   */
  async consumeUse(manager: EntityManager, id: string, tokenHash: string): Promise<ConsumedToken | null> {
    const [rows]: [ConsumedToken[], number] = await manager.query(
      `UPDATE enrollment_tokens SET uses_left = uses_left - 1, last_used_at = now()
        WHERE id = $1 AND token_hash = $2 AND uses_left > 0 AND revoked_at IS NULL AND expires_at > now()
        RETURNING id, org_id AS "orgId", fleet_id AS "fleetId", printer_id AS "printerId",
                  printer_name AS "printerName", template, octoprint_url AS "octoprintUrl"`,
      [id, tokenHash],
    );
    return rows[0] ?? null;
  }

  /** Scoped in SQL to the organization and to what the caller may read (a fleet-limited admin: their fleets). */
  list(query: TokenListQuery): Promise<[EnrollmentToken[], number]> {
    const builder = this.dataSource
      .getRepository(EnrollmentToken)
      .createQueryBuilder('token')
      .where('token.orgId = :orgId', { orgId: query.orgId })
      .andWhere(query.readable.sql, query.readable.parameters)
      .orderBy('token.createdAt', 'DESC')
      .addOrderBy('token.id', 'ASC')
      .take(query.limit)
      .skip(query.offset);
    if (query.source) builder.andWhere('token.source = :source', { source: query.source });
    if (query.usableOnly) {
      builder.andWhere('token.usesLeft > 0 AND token.revokedAt IS NULL AND token.expiresAt > now()');
    }
    return builder.getManyAndCount();
  }

  findInOrg(orgId: string, id: string): Promise<EnrollmentToken | null> {
    return this.dataSource.getRepository(EnrollmentToken).findOneBy({ orgId, id });
  }

  async revoke(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE enrollment_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
  }

  /** A re-import hands out new tokens; the unused ones of an earlier import of the same printers stop working. */
  async revokeUnusedForPrinters(manager: EntityManager, printerIds: string[]): Promise<number> {
    if (printerIds.length === 0) return 0;
    const [, affected]: [unknown, number] = await manager.query(
      `UPDATE enrollment_tokens SET revoked_at = now()
        WHERE printer_id = ANY($1::uuid[]) AND revoked_at IS NULL AND uses_left > 0`,
      [printerIds],
    );
    return affected;
  }
}
