import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import type { Principal } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { DataSource, type EntityManager } from 'typeorm';
import { SAVED_VIEW_PARAMS, SAVED_VIEWS_PER_USER } from './dashboard.messages';
import type { SaveViewDto, SavedViewDto } from './dto/saved-view.dto';
import type { SavedView } from './entities/saved-view.entity';
import { SavedViewsRepository } from './saved-views.repository';

const MAX_VALUE_LENGTH = 200;
const notFound = () => DomainException.notFound('saved_view_not_found', 'Saved view not found');

function toView(view: SavedView): SavedViewDto {
  return { id: view.id, name: view.name, query: view.query, updatedAt: view.updatedAt.toISOString() };
}

/**
 * The grid's query string as a saved view keeps it: known keys only, each once, values bounded, in a fixed order
 * (so the same view saved twice reads the same). Anything else is refused rather than dropped.
 */
export function normalizeViewQuery(query: string): string {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const kept = new URLSearchParams();
  const seen = new Set<string>();
  for (const [key, value] of params) {
    if (!(SAVED_VIEW_PARAMS as readonly string[]).includes(key))
      throw DomainException.invalid(
        'invalid_view_query',
        `query may hold only ${SAVED_VIEW_PARAMS.join(', ')}`,
        'query',
      );
    if (seen.has(key)) throw DomainException.invalid('invalid_view_query', `query names ${key} twice`, 'query');
    if (value.length > MAX_VALUE_LENGTH)
      throw DomainException.invalid('invalid_view_query', `${key} is longer than ${MAX_VALUE_LENGTH}`, 'query');
    seen.add(key);
  }
  for (const key of SAVED_VIEW_PARAMS) {
    const value = params.get(key);
    if (value) kept.set(key, value);
  }
  return kept.toString();
}

/** Saved grid views: each person's own, in each organization; other people's views do not exist for them. */
@Injectable()
export class SavedViewsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly views: SavedViewsRepository,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal, orgId: string): Promise<{ items: SavedViewDto[] }> {
    return { items: (await this.views.list(orgId, userIdOf(principal))).map(toView) };
  }

  async create(principal: Principal, orgId: string, input: SaveViewDto): Promise<SavedViewDto> {
    const userId = userIdOf(principal);
    const query = normalizeViewQuery(input.query);
    return this.dataSource.transaction(async (manager) => {
      await this.views.lockOwner(manager, orgId, userId);
      if ((await this.views.count(manager, orgId, userId)) >= SAVED_VIEWS_PER_USER)
        throw new DomainException(
          'conflict',
          'saved_view_limit_reached',
          `You may keep at most ${SAVED_VIEWS_PER_USER} saved views here`,
          undefined,
          { limit: SAVED_VIEWS_PER_USER },
        );
      await this.ensureNameFree(manager, orgId, userId, input.name, null);
      const view = await this.views.insert(manager, { orgId, userId, name: input.name, query });
      await this.record(manager, principal, orgId, 'savedView.created', view);
      return toView(view);
    });
  }

  async update(principal: Principal, orgId: string, id: string, input: SaveViewDto): Promise<SavedViewDto> {
    const userId = userIdOf(principal);
    const query = normalizeViewQuery(input.query);
    return this.dataSource.transaction(async (manager) => {
      await this.views.lockOwner(manager, orgId, userId);
      if (!(await this.views.find(manager, orgId, userId, id))) throw notFound();
      await this.ensureNameFree(manager, orgId, userId, input.name, id);
      const view = await this.views.update(manager, id, { name: input.name, query });
      await this.record(manager, principal, orgId, 'savedView.updated', view);
      return toView(view);
    });
  }

  async delete(principal: Principal, orgId: string, id: string): Promise<void> {
    const userId = userIdOf(principal);
    await this.dataSource.transaction(async (manager) => {
      const view = await this.views.find(manager, orgId, userId, id);
      if (!view || !(await this.views.delete(manager, orgId, userId, id))) throw notFound();
      await this.record(manager, principal, orgId, 'savedView.deleted', view);
    });
  }

  private async ensureNameFree(
    manager: EntityManager,
    orgId: string,
    userId: string,
    name: string,
    exceptId: string | null,
  ): Promise<void> {
    const existing = await this.views.findByName(manager, orgId, userId, name);
    if (existing && existing.id !== exceptId)
      throw DomainException.conflict('saved_view_name_taken', 'You already have a view with this name', 'name');
  }

  private record(manager: EntityManager, principal: Principal, orgId: string, action: string, view: SavedView) {
    return this.audit.record(manager, {
      orgId,
      principal,
      action,
      subject: { type: 'SavedView', id: view.id },
      details: { name: view.name, query: view.query },
    });
  }
}

/** Views belong to people: an API key holds none (its policies never grant `SavedView`; this is the second lock). */
function userIdOf(principal: Principal): string {
  if (principal.kind !== 'user') throw DomainException.forbidden('forbidden', 'Only people keep saved views');
  return principal.userId;
}
