import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Notice, Section, SelectInput, TextInput } from '../../components/ui';
import type { SpoolmanStatus } from '../../lib/api/views';
import { useOrg } from '../../lib/session';
import { useSpoolmanChange, useSpoolmanStatus } from './spools.queries';

/**
 * The organization's Spoolman: where spools come from and whether usage reaches it (failures stay visible here
 * until a sync queues them again). Admins set the server; operators sync.
 */
export function SpoolmanSection() {
  const { ability } = useOrg();
  const status = useSpoolmanStatus();
  const feedback = useFeedback();
  const [editing, setEditing] = useState(false);
  const change = useSpoolmanChange(feedback, () => setEditing(false));
  const mayConfigure = ability.can('update', 'Spool');
  const current = status.data;
  if (!current || (!current.configured && !mayConfigure)) return null;

  return (
    <Section
      title="Spoolman"
      actions={
        <>
          {current.configured && ability.can('load', 'Spool') && (
            <Button busy={change.isPending} onClick={() => change.mutate({ action: 'sync' })}>
              Sync from Spoolman
            </Button>
          )}
          {mayConfigure && !editing && (
            <Button variant="ghost" onClick={() => setEditing(true)}>
              {current.configured ? 'Change' : 'Use Spoolman'}
            </Button>
          )}
        </>
      }
    >
      <FeedbackNotice feedback={feedback} inline={['url', 'apiKey', 'username', 'password']} />
      {current.configured ? (
        <SpoolmanState status={current} />
      ) : (
        <p className="muted">Spools come from the built-in inventory below.</p>
      )}
      {editing && (
        <SpoolmanForm
          status={current}
          busy={change.isPending}
          fieldError={feedback.fieldError}
          onSave={(settings) => change.mutate({ action: 'configure', settings })}
          onCancel={() => setEditing(false)}
          onDisconnect={current.configured ? () => change.mutate({ action: 'disconnect' }) : undefined}
        />
      )}
    </Section>
  );
}

function SpoolmanState({ status }: { status: SpoolmanStatus }) {
  return (
    <div>
      <p>
        Spools are read from <span className="strong">{status.url}</span>; usage is written there when a print ends.
        {status.lastSyncAt && <span className="muted"> Last sync {new Date(status.lastSyncAt).toLocaleString()}.</span>}
      </p>
      <p className="muted small">
        Usage: {status.usage.sent} written, {status.usage.pending} waiting, {status.usage.failed} failed
      </p>
      {status.lastError && <Notice tone="error">Spoolman: {status.lastError}</Notice>}
      {status.failures.length > 0 && (
        <Notice tone="warning">
          {status.failures.length} print usage{status.failures.length === 1 ? '' : 's'} did not reach Spoolman (latest:{' '}
          {status.failures[0]!.error ?? 'unknown error'}). Sync to try again.
        </Notice>
      )}
    </div>
  );
}

function SpoolmanForm({
  status,
  busy,
  fieldError,
  onSave,
  onCancel,
  onDisconnect,
}: {
  status: SpoolmanStatus;
  busy: boolean;
  fieldError: (field: string) => string | null | undefined;
  onSave: (settings: {
    url: string;
    apiKey?: string;
    username?: string;
    password?: string;
    allowPrivateNetwork: boolean;
  }) => void;
  onCancel: () => void;
  onDisconnect?: () => void;
}) {
  const [url, setUrl] = useState(status.url ?? '');
  const [auth, setAuth] = useState<string>(status.authKind ?? 'none');
  const [apiKey, setApiKey] = useState('');
  const [username, setUsername] = useState(status.username ?? '');
  const [password, setPassword] = useState('');
  const [lan, setLan] = useState(status.allowPrivateNetwork);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave({
      url: url.trim(),
      allowPrivateNetwork: lan,
      ...(auth === 'apiKey' ? { apiKey } : {}),
      ...(auth === 'basic' ? { username: username.trim(), password } : {}),
    });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Spoolman server">
      <div className="form-grid form-grid-3">
        <TextInput
          label="Spoolman URL"
          placeholder="http://spoolman.lan:7912"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          error={fieldError('url')}
        />
        <SelectInput label="Authentication" value={auth} onChange={(event) => setAuth(event.target.value)}>
          <option value="none">None</option>
          <option value="apiKey">API key (X-Api-Key)</option>
          <option value="basic">User name and password</option>
        </SelectInput>
        {auth === 'apiKey' && (
          <TextInput
            label="API key"
            type="password"
            autoComplete="off"
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
            error={fieldError('apiKey')}
          />
        )}
        {auth === 'basic' && (
          <>
            <TextInput
              label="User name"
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              error={fieldError('username')}
            />
            <TextInput
              label="Password"
              type="password"
              autoComplete="off"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              error={fieldError('password')}
            />
          </>
        )}
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={lan} onChange={(event) => setLan(event.target.checked)} /> Spoolman is on our
        local network (allows a private address; see the security notes)
      </label>
      <div className="row-actions">
        <Button type="submit" variant="primary" busy={busy} disabled={!url.trim()}>
          Save
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        {onDisconnect && (
          <Button variant="danger" onClick={onDisconnect}>
            Stop using Spoolman
          </Button>
        )}
      </div>
    </form>
  );
}
