import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Dialog } from '../../components/ui';
import { client, unwrap } from '../../lib/api';
import type { SavedView } from '../../lib/api/views';
import { viewQueryOf } from '../../lib/grid-view';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { navigate, useLocation } from '../../lib/router';
import { useOrg } from '../../lib/session';

function useSavedViews() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).savedViews,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/dashboard/views', { params: { path: { orgId: org.id } } })),
  });
}

/**
 * The signed-in person's saved grid views (filters, sort, view mode), kept by the server: pick one to apply it,
 * save the current one under a name (a name in use is overwritten), delete the one applied.
 */
export function SavedViews({ onApply }: { onApply: (query: string) => void }) {
  const { org } = useOrg();
  const { path, search } = useLocation();
  const views = useSavedViews();
  const feedback = useFeedback();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const current = viewQueryOf(search);
  const items = views.data?.items ?? [];
  const active = items.find((view) => view.query === current) ?? null;

  const save = useApiMutation({
    mutationFn: async (viewName: string) => {
      const existing = items.find((view) => view.name === viewName.trim());
      const body = { name: viewName, query: current };
      if (existing)
        return unwrap(
          client.PUT('/api/orgs/{orgId}/dashboard/views/{viewId}', {
            params: { path: { orgId: org.id, viewId: existing.id } },
            body,
          }),
        );
      return unwrap(client.POST('/api/orgs/{orgId}/dashboard/views', { params: { path: { orgId: org.id } }, body }));
    },
    feedback,
    success: (view) => `View “${view.name}” saved`,
    onSuccess: () => setNaming(false),
    invalidates: () => [queryKeys.org(org.id).savedViews],
  });
  const remove = useApiMutation({
    mutationFn: (view: SavedView) =>
      unwrap(
        client.DELETE('/api/orgs/{orgId}/dashboard/views/{viewId}', {
          params: { path: { orgId: org.id, viewId: view.id } },
        }),
      ),
    feedback,
    success: (_, view) => `View “${view.name}” deleted`,
    invalidates: () => [queryKeys.org(org.id).savedViews],
  });

  const apply = (id: string) => {
    const view = items.find((candidate) => candidate.id === id);
    if (!view) return;
    navigate(view.query ? `${path}?${view.query}` : path, { replace: true });
    onApply(view.query);
  };

  return (
    <div className="saved-views" role="group" aria-label="Saved views">
      <label className="toolbar-field">
        <span className="visually-hidden">Saved view</span>
        <select className="input" value={active?.id ?? ''} onChange={(event) => apply(event.target.value)}>
          <option value="" disabled={!!active}>
            {items.length ? 'Saved views…' : 'No saved views'}
          </option>
          {items.map((view) => (
            <option key={view.id} value={view.id}>
              {view.name}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="button button-ghost"
        onClick={() => {
          feedback.clear();
          setName(active?.name ?? '');
          setNaming(true);
        }}
      >
        Save view
      </button>
      {active && (
        <button
          type="button"
          className="button button-ghost"
          disabled={remove.isPending}
          onClick={() => remove.mutate(active)}
        >
          Delete view<span className="visually-hidden"> {active.name}</span>
        </button>
      )}
      {!naming && <FeedbackNotice feedback={feedback} />}
      <Dialog
        title="Save this view"
        open={naming}
        onClose={() => setNaming(false)}
        footer={
          <>
            <button type="button" className="button button-ghost" onClick={() => setNaming(false)}>
              Cancel
            </button>
            <button type="submit" form="save-view-form" disabled={save.isPending || !name.trim()}>
              Save
            </button>
          </>
        }
      >
        <form
          id="save-view-form"
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate(name);
          }}
        >
          <label className="field">
            <span>Name</span>
            <input
              className="input"
              value={name}
              maxLength={60}
              required
              onChange={(event) => setName(event.target.value)}
              aria-invalid={!!feedback.fieldError('name')}
            />
          </label>
          <p className="muted small">Keeps the filters, the sort and the view (cards or list). Only you see it.</p>
          <FeedbackNotice feedback={feedback} />
        </form>
      </Dialog>
    </div>
  );
}
