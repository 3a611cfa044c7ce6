import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback, type Feedback } from '../../components/feedback';
import { FleetLimitPicker } from '../../components/fleet-limit';
import { Button, ConfirmDialog, Section, SelectInput, Spinner, TextInput } from '../../components/ui';
import { ApiError, client, unwrap } from '../../lib/api';
import type { SsoProvider } from '../../lib/api/views';
import { useFleets } from '../../lib/fleets';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';

type Role = 'admin' | 'operator' | 'viewer';
const ROLES: Role[] = ['viewer', 'operator', 'admin'];

interface Draft {
  slug: string;
  displayName: string;
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  allowedDomains: string;
  defaultRole: Role;
  defaultFleetIds: string[] | null;
  groupClaim: string;
  groupRoles: string;
  enabled: boolean;
  requireSso: boolean;
  breakGlassUserId: string;
}

function draftOf(provider: SsoProvider | null): Draft {
  return {
    slug: provider?.slug ?? '',
    displayName: provider?.displayName ?? '',
    issuerUrl: provider?.issuerUrl ?? '',
    clientId: provider?.clientId ?? '',
    clientSecret: '',
    allowedDomains: provider?.allowedDomains.join(', ') ?? '',
    defaultRole: (provider?.defaultRole as Role | undefined) ?? 'viewer',
    defaultFleetIds: provider?.defaultFleetIds ?? null,
    groupClaim: provider?.groupClaim ?? '',
    groupRoles: Object.entries(provider?.groupRoles ?? {})
      .map(([group, role]) => `${group} = ${role}`)
      .join('\n'),
    enabled: provider?.enabled ?? true,
    requireSso: provider?.requireSso ?? false,
    breakGlassUserId: provider?.breakGlassUserId ?? '',
  };
}

/** "group = role" lines into the map the server checks (it names any bad line back). */
function parseGroupRoles(text: string): Record<string, Role> | null {
  const entries = text
    .split('\n')
    .map((line) => line.split('='))
    .filter((parts) => parts.length === 2 && parts[0]!.trim())
    .map(([group, role]) => [group!.trim(), role!.trim() as Role] as const);
  return entries.length ? Object.fromEntries(entries) : null;
}

/** The organization's OpenID Connect provider: owners only. The client secret goes in and is never shown again. */
export function SsoSection() {
  const { org } = useOrg();
  // Kept here: a save remounts the form (fresh from the server), and its notice must stay.
  const feedback = useFeedback();
  const key = [...queryKeys.org(org.id).members, 'sso'] as const;
  const provider = useQuery({
    queryKey: key,
    queryFn: async () => {
      try {
        return await unwrap(client.GET('/api/orgs/{orgId}/sso', { params: { path: { orgId: org.id } } }));
      } catch (error) {
        if (error instanceof ApiError && error.code === 'sso_provider_not_found') return null;
        throw error;
      }
    },
  });
  return (
    <Section title="Single sign-on (OpenID Connect)">
      {provider.data === undefined ? (
        <Spinner />
      ) : (
        // A saved provider starts a fresh form from what the server stored.
        <SsoForm key={provider.data?.updatedAt ?? 'new'} provider={provider.data} queryKey={key} feedback={feedback} />
      )}
    </Section>
  );
}

function SsoForm({
  provider,
  queryKey,
  feedback,
}: {
  provider: SsoProvider | null;
  queryKey: readonly unknown[];
  feedback: Feedback;
}) {
  const { org } = useOrg();
  const fleets = useFleets();
  const members = useQuery({
    queryKey: queryKeys.org(org.id).members,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/members', { params: { path: { orgId: org.id } } })),
  });
  const [draft, setDraft] = useState<Draft>(() => draftOf(provider));
  const [removing, setRemoving] = useState(false);
  const set = <K extends keyof Draft>(field: K, value: Draft[K]) =>
    setDraft((current) => ({ ...current, [field]: value }));

  const save = useApiMutation({
    mutationFn: (next: Draft) =>
      unwrap(
        client.PUT('/api/orgs/{orgId}/sso', {
          params: { path: { orgId: org.id } },
          body: {
            slug: next.slug.trim(),
            displayName: next.displayName,
            issuerUrl: next.issuerUrl.trim(),
            clientId: next.clientId.trim(),
            ...(next.clientSecret ? { clientSecret: next.clientSecret } : {}),
            allowedDomains: next.allowedDomains
              .split(/[\s,]+/)
              .map((domain) => domain.trim())
              .filter(Boolean),
            defaultRole: next.defaultRole,
            defaultFleetIds: next.defaultFleetIds,
            groupClaim: next.groupClaim.trim() || null,
            groupRoles: next.groupClaim.trim() ? parseGroupRoles(next.groupRoles) : null,
            enabled: next.enabled,
            requireSso: next.requireSso,
            breakGlassUserId: next.breakGlassUserId || null,
          },
        }),
      ),
    feedback,
    success: () => 'Single sign-on saved',
    invalidates: () => [queryKey],
  });
  const remove = useApiMutation({
    mutationFn: () => unwrap(client.DELETE('/api/orgs/{orgId}/sso', { params: { path: { orgId: org.id } } })),
    feedback,
    success: () => 'Single sign-on removed',
    invalidates: () => [queryKey],
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(draft);
  };
  const owners = (members.data ?? []).filter((member) => member.role === 'owner');
  const field = feedback.fieldError;

  return (
    <>
      {provider && (
        <div className="form-grid">
          <TextInput label="Sign-in link for members" readOnly value={provider.signInUrl} />
          <TextInput label="Redirect URI to register at your provider" readOnly value={provider.redirectUri} />
        </div>
      )}
      <FeedbackNotice
        feedback={feedback}
        inline={['slug', 'displayName', 'issuerUrl', 'clientId', 'clientSecret', 'allowedDomains', 'groupRoles']}
      />
      <form className="form form-grid" onSubmit={submit} noValidate aria-label="Single sign-on settings">
        <TextInput
          label="Provider name"
          hint='Shown as "Sign in with …"'
          required
          value={draft.displayName}
          error={field('displayName')}
          onChange={(e) => set('displayName', e.target.value)}
        />
        <TextInput
          label="Sign-in name"
          hint="Lower-case letters, digits and dashes: /sign-in/sso/<name>"
          required
          value={draft.slug}
          error={field('slug')}
          onChange={(e) => set('slug', e.target.value)}
        />
        <TextInput
          label="Issuer URL"
          type="url"
          required
          value={draft.issuerUrl}
          error={field('issuerUrl')}
          onChange={(e) => set('issuerUrl', e.target.value)}
        />
        <TextInput
          label="Client ID"
          required
          value={draft.clientId}
          error={field('clientId')}
          onChange={(e) => set('clientId', e.target.value)}
        />
        <TextInput
          label="Client secret"
          type="password"
          autoComplete="off"
          hint={provider ? 'Stored and never shown; leave empty to keep it.' : undefined}
          value={draft.clientSecret}
          error={field('clientSecret')}
          onChange={(e) => set('clientSecret', e.target.value)}
        />
        <TextInput
          label="Allowed email domains"
          hint="Comma-separated; empty: any address the provider verified"
          value={draft.allowedDomains}
          error={field('allowedDomains')}
          onChange={(e) => set('allowedDomains', e.target.value)}
        />
        <SelectInput
          label="Role of new members"
          value={draft.defaultRole}
          onChange={(e) => set('defaultRole', e.target.value as Role)}
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </SelectInput>
        <FleetLimitPicker
          legend="Fleets of new members"
          fleets={fleets.list}
          value={draft.defaultFleetIds}
          onChange={(value) => set('defaultFleetIds', value)}
        />
        <TextInput
          label="Group claim (optional)"
          hint="e.g. groups; with it, only mapped groups may sign in"
          value={draft.groupClaim}
          onChange={(e) => set('groupClaim', e.target.value)}
        />
        {draft.groupClaim.trim() && (
          <div className="field">
            <label htmlFor="sso-group-roles">Group roles (one "group = role" per line)</label>
            <textarea
              id="sso-group-roles"
              className="input"
              rows={3}
              value={draft.groupRoles}
              onChange={(e) => set('groupRoles', e.target.value)}
            />
          </div>
        )}
        <label className="checkbox">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} />
          Enabled
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={draft.requireSso} onChange={(e) => set('requireSso', e.target.checked)} />
          Require single sign-on for members (password sign-in refused)
        </label>
        <SelectInput
          label="Break-glass owner (may still use a password)"
          value={draft.breakGlassUserId}
          onChange={(e) => set('breakGlassUserId', e.target.value)}
        >
          <option value="">Nobody</option>
          {owners.map((owner) => (
            <option key={owner.userId} value={owner.userId}>
              {owner.displayName} ({owner.email})
            </option>
          ))}
        </SelectInput>
        <div className="row-actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            Save single sign-on
          </Button>
          {provider && (
            <Button variant="danger" onClick={() => setRemoving(true)}>
              Remove
            </Button>
          )}
        </div>
      </form>
      <ConfirmDialog
        open={removing}
        title="Remove single sign-on?"
        confirmLabel="Remove"
        onConfirm={() => {
          setRemoving(false);
          remove.mutate();
        }}
        onCancel={() => setRemoving(false)}
      >
        Members who only sign in through the provider will need a password reset to sign in.
      </ConfirmDialog>
    </>
  );
}
