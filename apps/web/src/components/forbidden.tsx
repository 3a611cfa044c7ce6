import { Link } from '../lib/router';
import { useOrg } from '../lib/session';

/**
 * The one page a role sees where it may not go: says so plainly, names the role, and links back to the printers.
 * Every organization route the role cannot open renders this (see app.tsx), so no page answers with a bare 403 notice.
 */
export function Forbidden({ what }: { what: string }) {
  const { org } = useOrg();
  return (
    <div className="page page-narrow" data-testid="forbidden">
      <h1>You cannot open {what}</h1>
      <p>
        Your role in {org.name} is <strong>{org.role}</strong>
        {org.fleetIds ? ', limited to some fleets' : ''}, and it does not include {what}. Ask an owner or admin if you
        need it.
      </p>
      <Link to={`/orgs/${org.id}/printers`} className="button button-primary">
        Back to the printers
      </Link>
    </div>
  );
}
