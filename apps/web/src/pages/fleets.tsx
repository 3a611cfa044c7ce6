import { useState, type FormEvent } from 'react';
import { Button, ConfirmDialog, EmptyState, Notice, PageHeader, Section, Spinner, TextInput } from '../components/ui';
import { canOnFleet } from '../lib/ability';
import { api, messageOf } from '../lib/api';
import { useFleets } from '../lib/fleets';
import { formatDate, plural } from '../lib/format';
import { useLive } from '../lib/live';
import { Link } from '../lib/router';
import { useOrg } from '../lib/session';
import type { Fleet } from '../lib/types';

function FleetRow({
  fleet,
  printers,
  onChanged,
}: {
  fleet: Fleet;
  printers: number;
  onChanged: (message: string) => void;
}) {
  const { org, ability } = useOrg();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(fleet.name);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mayUpdate = canOnFleet(ability, 'update', fleet);
  const mayDelete = canOnFleet(ability, 'delete', fleet);

  const rename = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await api.patch(`/api/orgs/${org.id}/fleets/${fleet.id}`, { name });
      setEditing(false);
      setError(null);
      onChanged(`Renamed to ${name}`);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    try {
      await api.delete(`/api/orgs/${org.id}/fleets/${fleet.id}`);
      setConfirmDelete(false);
      onChanged(`Deleted ${fleet.name}`);
    } catch (failure) {
      setConfirmDelete(false);
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr>
      <td>
        {editing ? (
          <form className="inline-form" onSubmit={(event) => void rename(event)}>
            <label className="visually-hidden" htmlFor={`fleet-${fleet.id}`}>
              Fleet name
            </label>
            <input
              id={`fleet-${fleet.id}`}
              className="input"
              value={name}
              onChange={(e) => setName(e.target.value)}
              autoFocus
            />
            <Button type="submit" variant="primary" busy={busy}>
              Save
            </Button>
            <Button onClick={() => (setEditing(false), setName(fleet.name))}>Cancel</Button>
          </form>
        ) : (
          <Link to={`/orgs/${org.id}/printers?fleet=${fleet.id}`} className="strong-link">
            {fleet.name}
          </Link>
        )}
        {error && <p className="field-error">{error}</p>}
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
          busy={busy}
          onConfirm={() => void remove()}
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
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mayCreate = ability.can('create', 'Fleet');

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/orgs/${org.id}/fleets`, { name });
      setNotice(`Created ${name}`);
      setName('');
      await fleets.reload();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  const counts = new Map<string, number>();
  for (const printer of printers) counts.set(printer.fleetId, (counts.get(printer.fleetId) ?? 0) + 1);

  return (
    <div className="page page-narrow">
      <PageHeader
        title="Fleets"
        subtitle="Group printers by room, purpose or customer; members can be limited to fleets."
      />
      {notice && <Notice tone="success">{notice}</Notice>}
      {mayCreate && (
        <Section title="New fleet">
          <form className="inline-form" onSubmit={(event) => void create(event)} noValidate>
            <TextInput
              label="Fleet name"
              value={name}
              required
              onChange={(e) => setName(e.target.value)}
              error={error}
            />
            <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
              Create fleet
            </Button>
          </form>
        </Section>
      )}
      <Section title={fleets.data ? plural(fleets.list.length, 'fleet') : 'Fleets'}>
        {fleets.loading && !fleets.data ? (
          <Spinner />
        ) : fleets.error ? (
          <Notice tone="error">{fleets.error}</Notice>
        ) : fleets.list.length === 0 ? (
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
                {fleets.list.map((fleet) => (
                  <FleetRow
                    key={fleet.id}
                    fleet={fleet}
                    printers={counts.get(fleet.id) ?? 0}
                    onChanged={(message) => {
                      setNotice(message);
                      void fleets.reload();
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </div>
  );
}
