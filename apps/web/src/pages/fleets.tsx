import { useEffect, useRef, useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback, type Feedback } from '../components/feedback';
import { QueryState } from '../components/query-state';
import { Button, ConfirmDialog, EmptyState, PageHeader, Section, TextInput } from '../components/ui';
import { canOnFleet } from '../lib/ability';
import { client, unwrap } from '../lib/api';
import { useFleets } from '../lib/fleets';
import { formatDate, plural } from '../lib/format';
import { useLive } from '../lib/live';
import { useApiMutation } from '../lib/mutations';
import { queryKeys } from '../lib/query-keys';
import { Link } from '../lib/router';
import { useOrg } from '../lib/session';
import type { Fleet } from '../lib/api/views';

function useFleetMutation<TVariables>(
  feedback: Feedback,
  options: {
    mutationFn: (variables: TVariables) => Promise<unknown>;
    success: (variables: TVariables) => string;
    about?: (variables: TVariables) => string;
  },
) {
  const { org } = useOrg();
  return useApiMutation({
    ...options,
    feedback,
    success: (_, variables) => options.success(variables),
    invalidates: () => [queryKeys.org(org.id).fleets],
  });
}

function FleetRow({ fleet, printers, feedback }: { fleet: Fleet; printers: number; feedback: Feedback }) {
  const { org, ability } = useOrg();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(fleet.name);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  // Rename was asked for: the field takes the focus, as a person expects of an inline edit.
  useEffect(() => {
    if (editing) nameInput.current?.focus();
  }, [editing]);
  const path = { orgId: org.id, fleetId: fleet.id };
  const rename = useFleetMutation(feedback, {
    mutationFn: (to: string) =>
      unwrap(client.PATCH('/api/orgs/{orgId}/fleets/{fleetId}', { params: { path }, body: { name: to } })),
    success: (to) => `Renamed to ${to}`,
    about: () => fleet.name,
  });
  const remove = useFleetMutation(feedback, {
    mutationFn: () => unwrap(client.DELETE('/api/orgs/{orgId}/fleets/{fleetId}', { params: { path } })),
    success: () => `Deleted ${fleet.name}`,
    about: () => fleet.name,
  });
  const mayUpdate = canOnFleet(ability, 'update', fleet);
  const mayDelete = canOnFleet(ability, 'delete', fleet);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate(name, { onSuccess: () => setEditing(false) });
  };

  return (
    <tr>
      <td>
        {editing ? (
          <form className="inline-form" onSubmit={submit}>
            <label className="visually-hidden" htmlFor={`fleet-${fleet.id}`}>
              Fleet name
            </label>
            <input
              ref={nameInput}
              id={`fleet-${fleet.id}`}
              className="input"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <Button type="submit" variant="primary" busy={rename.isPending}>
              Save
            </Button>
            <Button onClick={() => (setEditing(false), setName(fleet.name))}>Cancel</Button>
          </form>
        ) : (
          <Link to={`/orgs/${org.id}/printers?fleet=${fleet.id}`} className="strong-link">
            {fleet.name}
          </Link>
        )}
      </td>
      <td className="numeric">{printers}</td>
      <td>{formatDate(fleet.createdAt)}</td>
      <td className="row-actions">
        {mayUpdate && !editing && <Button onClick={() => setEditing(true)}>Rename</Button>}
        {mayDelete && (
          <Button
            variant="danger"
            onClick={() => setConfirmDelete(true)}
            disabled={printers > 0}
            title={printers > 0 ? 'Move its printers to another fleet first' : undefined}
          >
            Delete
          </Button>
        )}
        <ConfirmDialog
          open={confirmDelete}
          title={`Delete ${fleet.name}?`}
          confirmLabel="Delete fleet"
          tone="danger"
          busy={remove.isPending}
          onConfirm={() => remove.mutate(undefined, { onSettled: () => setConfirmDelete(false) })}
          onCancel={() => setConfirmDelete(false)}
        >
          Members limited to this fleet lose access to it. This cannot be undone.
        </ConfirmDialog>
      </td>
    </tr>
  );
}

export function FleetsPage() {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const { printers } = useLive();
  const feedback = useFeedback();
  const [name, setName] = useState('');
  const create = useFleetMutation(feedback, {
    mutationFn: (fleetName: string) =>
      unwrap(
        client.POST('/api/orgs/{orgId}/fleets', { params: { path: { orgId: org.id } }, body: { name: fleetName } }),
      ),
    success: (fleetName) => `Created ${fleetName}`,
  });
  const mayCreate = ability.can('create', 'Fleet');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name, { onSuccess: () => setName('') });
  };

  const counts = new Map<string, number>();
  for (const printer of printers) counts.set(printer.fleetId, (counts.get(printer.fleetId) ?? 0) + 1);

  return (
    <div className="page page-narrow">
      <PageHeader
        title="Fleets"
        subtitle="Group printers by room, purpose or customer; members can be limited to fleets."
      />
      <FeedbackNotice feedback={feedback} />
      {mayCreate && (
        <Section title="New fleet">
          <form className="inline-form" onSubmit={submit} noValidate>
            <TextInput label="Fleet name" value={name} required onChange={(e) => setName(e.target.value)} />
            <Button type="submit" variant="primary" busy={create.isPending} disabled={!name.trim()}>
              Create fleet
            </Button>
          </form>
        </Section>
      )}
      <Section title={fleets.loaded ? plural(fleets.list.length, 'fleet') : 'Fleets'}>
        <QueryState query={{ data: fleets.loaded ? fleets.list : undefined, error: fleets.error }}>
          {(list) =>
            list.length === 0 ? (
              <EmptyState title="No fleets yet">
                {mayCreate ? 'Create the first one above.' : 'An admin creates fleets.'}
              </EmptyState>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col" className="numeric">
                        Printers
                      </th>
                      <th scope="col">Created</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((fleet) => (
                      <FleetRow key={fleet.id} fleet={fleet} printers={counts.get(fleet.id) ?? 0} feedback={feedback} />
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryState>
      </Section>
    </div>
  );
}
