import { PageHeader } from '../../components/ui';
import { useOrg } from '../../lib/session';
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
    </div>
  );
}
