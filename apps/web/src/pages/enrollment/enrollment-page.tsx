import { Notice, PageHeader, Spinner } from '../../components/ui';
import { useFleets } from '../../lib/fleets';
import { useOrg } from '../../lib/session';
import { ImportSection } from './import-section';
import { PairingSection } from './pairing-section';
import { TokensSection } from './tokens-section';

export function EnrollmentPage() {
  const { ability } = useOrg();
  const fleets = useFleets();
  const mayEnroll = ability.can('enroll', 'Printer') && fleets.list.length > 0;

  return (
    <div className="page">
      <PageHeader title="Enroll printers" subtitle="Add printers by pairing code, enrollment token or CSV import." />
      {!fleets.loaded ? (
        <Spinner />
      ) : !mayEnroll ? (
        <Notice tone="info">
          {fleets.list.length
            ? 'Your role does not allow enrolling printers.'
            : 'Create a fleet first: every printer belongs to one.'}
        </Notice>
      ) : (
        <>
          <ImportSection />
          <PairingSection />
          <TokensSection />
        </>
      )}
    </div>
  );
}
