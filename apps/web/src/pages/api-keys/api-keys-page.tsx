import { PageHeader } from '../../components/ui';
import { useOrg } from '../../lib/session';
import { ApiKeysSection } from './api-keys-section';

/** API keys on their own page (they used to sit under Team): keys for scripts, slicers and integrations. */
export function ApiKeysPage() {
  const { org } = useOrg();
  return (
    <div className="page">
      <PageHeader
        title="API keys"
        subtitle={`Keys that scripts, slicers and integrations use to act in ${org.name}.`}
      />
      <ApiKeysSection />
    </div>
  );
}
