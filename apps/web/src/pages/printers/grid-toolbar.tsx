import { ATTENTION_LABELS, ATTENTION_REASONS, type Attention, type AttentionFilter } from '../../lib/attention';
import { useFleets } from '../../lib/fleets';
import { BUCKET_LABELS, plural, type StateBucket } from '../../lib/format';
import { GRID_SORTS, SORT_LABELS, type GridMode, type GridSort } from '../../lib/grid-view';
import { replaceSearchParam } from '../../lib/router';
import type { ReactNode, RefObject } from 'react';

export const BUCKETS: StateBucket[] = ['printing', 'paused', 'error', 'ready', 'offline'];

export interface GridFilters {
  fleet: string;
  state: StateBucket | '';
  tag: string;
  search: string;
  attention: AttentionFilter;
  sort: GridSort;
  mode: GridMode;
}

/** The grid's filters; they live in the URL (shareable, survive a reload). */
export function GridToolbar({
  filters,
  onSearch,
  tags,
  shown,
  total,
  scopedCount,
  counts,
  attentionCounts,
  searchRef,
  children,
}: {
  filters: GridFilters;
  onSearch: (search: string) => void;
  tags: string[];
  shown: number;
  total: number;
  scopedCount: number;
  counts: Record<StateBucket, number>;
  attentionCounts: Record<Attention, number> & { any: number };
  searchRef?: RefObject<HTMLInputElement | null>;
  /** The saved views menu. */
  children?: ReactNode;
}) {
  const fleets = useFleets();
  const { fleet, state, tag, search, attention, sort, mode } = filters;

  return (
    <div className="grid-toolbar" role="search" aria-label="Filter printers">
      <div className="toolbar-title">
        <h1>Printers</h1>
        <span className="muted">{shown === total ? plural(total, 'printer') : `${shown} of ${total}`}</span>
      </div>
      <label className="toolbar-field">
        <span className="visually-hidden">Search printers</span>
        <input
          ref={searchRef}
          type="search"
          className="input"
          placeholder="Search name, model, job, tag"
          value={search}
          onChange={(event) => onSearch(event.target.value)}
        />
      </label>
      <label className="toolbar-field">
        <span className="visually-hidden">Fleet</span>
        <select className="input" value={fleet} onChange={(event) => replaceSearchParam('fleet', event.target.value)}>
          <option value="">All fleets</option>
          {fleets.list.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.name}
            </option>
          ))}
        </select>
      </label>
      {tags.length > 0 && (
        <label className="toolbar-field">
          <span className="visually-hidden">Tag</span>
          <select className="input" value={tag} onChange={(event) => replaceSearchParam('tag', event.target.value)}>
            <option value="">All tags</option>
            {tags.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="toolbar-field">
        <span className="visually-hidden">Sort</span>
        <select
          className="input"
          value={sort}
          onChange={(event) => replaceSearchParam('sort', event.target.value === 'attention' ? '' : event.target.value)}
        >
          {GRID_SORTS.map((candidate) => (
            <option key={candidate} value={candidate}>
              Sort: {SORT_LABELS[candidate]}
            </option>
          ))}
        </select>
      </label>
      <div className="view-toggle" role="group" aria-label="View">
        {(['cards', 'list'] as const).map((candidate) => (
          <button
            key={candidate}
            type="button"
            className="chip"
            aria-pressed={mode === candidate}
            onClick={() => replaceSearchParam('view', candidate === 'cards' ? '' : candidate)}
          >
            {candidate === 'cards' ? 'Cards' : 'List'}
          </button>
        ))}
      </div>
      {children}
      <div className="attention-filters" role="group" aria-label="Needs a hand">
        <button
          type="button"
          className="chip chip-attention"
          aria-pressed={attention === 'any'}
          onClick={() => replaceSearchParam('attention', attention === 'any' ? '' : 'any')}
        >
          <span className="chip-dot" aria-hidden="true" />
          Needs a hand <span className="chip-count">{attentionCounts.any}</span>
        </button>
        {ATTENTION_REASONS.filter((reason) => attentionCounts[reason] > 0 || attention === reason).map((reason) => (
          <button
            key={reason}
            type="button"
            className={`chip chip-attention chip-attention-${reason}`}
            aria-pressed={attention === reason}
            onClick={() => replaceSearchParam('attention', attention === reason ? '' : reason)}
          >
            <span className="chip-dot" aria-hidden="true" />
            {ATTENTION_LABELS[reason].chip} <span className="chip-count">{attentionCounts[reason]}</span>
          </button>
        ))}
      </div>
      <div className="state-filters" role="group" aria-label="State">
        <button type="button" className="chip" aria-pressed={!state} onClick={() => replaceSearchParam('state', '')}>
          All <span className="chip-count">{scopedCount}</span>
        </button>
        {BUCKETS.map((bucket) => (
          <button
            key={bucket}
            type="button"
            className={`chip chip-${bucket}`}
            aria-pressed={state === bucket}
            onClick={() => replaceSearchParam('state', state === bucket ? '' : bucket)}
          >
            <span className="chip-dot" aria-hidden="true" />
            {BUCKET_LABELS[bucket]} <span className="chip-count">{counts[bucket]}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
