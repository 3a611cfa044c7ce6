import { PageHeader } from '../../components/ui';
import { useOrg } from '../../lib/session';
import { InvitationsSection } from './invitations-section';
import { MembersSection } from './members-section';
import { SsoSection } from './sso-section';

export function TeamPage() {
  const { org, ability } = useOrg();
  return (
    <div className="page">
      <PageHeader title="Team" subtitle={`Who can do what in ${org.name}.`} />
      <MembersSection />
      {ability.can('read', 'Invitation') && <InvitationsSection />}
      {ability.can('update', 'SsoProvider') && <SsoSection />}
    </div>
  );
}
