import { ROLES, grantableRoles, type Role } from '@farmhand/authz-vocabulary';
import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { FleetLimitPicker } from '../../components/fleet-limit';
import { Button, Dialog, SelectInput } from '../../components/ui';
import { client, unwrap } from '../../lib/api';
import { useFleets } from '../../lib/fleets';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { Member } from '../../lib/api/views';
import { ROLE_HELP } from './roles';

/** A member's role and fleets; only roles the current user may grant are offered. */
export function EditMemberDialog({ member, onClose }: { member: Member; onClose: () => void }) {
  const { org } = useOrg();
  const fleets = useFleets();
  const feedback = useFeedback();
  const roles = grantableRoles(org.role);
  const [role, setRole] = useState<Role>(member.role);
  const [fleetIds, setFleetIds] = useState<string[] | null>(member.fleetIds);
  const save = useApiMutation({
    mutationFn: () =>
      unwrap(
        client.PATCH('/api/orgs/{orgId}/members/{memberId}', {
          params: { path: { orgId: org.id, memberId: member.id } },
          body: { role, fleetIds },
        }),
      ),
    feedback,
    onSuccess: onClose,
    invalidates: () => [queryKeys.org(org.id).members],
  });

  return (
    <Dialog
      title={`Change access for ${member.displayName || member.email}`}
      open
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={save.isPending} onClick={() => save.mutate()}>
            Save
          </Button>
        </>
      }
    >
      <FeedbackNotice feedback={feedback} />
      <SelectInput label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)} hint={ROLE_HELP[role]}>
        {ROLES.map((candidate) => (
          <option key={candidate} value={candidate} disabled={!roles.includes(candidate) && candidate !== member.role}>
            {candidate}
          </option>
        ))}
      </SelectInput>
      <FleetLimitPicker
        fleets={fleets.list}
        value={fleetIds}
        onChange={setFleetIds}
        legend="Fleet access"
        allowed={org.fleetIds}
      />
    </Dialog>
  );
}
