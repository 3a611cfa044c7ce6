import { PageHeader, Section } from '../../components/ui';
import { Link } from '../../lib/router';
import { useOrg } from '../../lib/session';
import { mayReadDetector } from '../detector/detector.queries';
import { OrganizationNameSection } from './organization-name-section';
import { PrinterDefaultsSection } from './printer-defaults-section';

/** Organization settings: its name and the defaults new printers start with. Read-only below admin. */
export function SettingsPage() {
  const { org, ability } = useOrg();
  const mayEdit = ability.can('update', 'Organization');
  return (
    <div className="page page-narrow">
      <PageHeader title="Settings" subtitle={mayEdit ? undefined : 'Read only: owners and admins change settings.'} />
      <OrganizationNameSection name={org.name} mayEdit={mayEdit} />
      <PrinterDefaultsSection mayEdit={mayEdit} />
      {mayReadDetector(ability) && (
        <Section title="Failure detector">
          <p>
            Train the detector on this farm&apos;s labelled frames, compare the new head with the current one, activate
            or roll back: <Link to={`/orgs/${org.id}/detector`}>open the detector</Link>.
          </p>
        </Section>
      )}
    </div>
  );
}
