import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MATRIX_ROWS } from './matrix/matrix-routes';

/**
 * The route → policy snapshot (checked against the running app by route-policies.medium-spec.ts) is the list of
 * what the authorization matrix must cover: every route under /api/orgs/:orgId and every socket handler needs a
 * row in test/security/matrix/matrix-routes.ts, with the same policy.
 */
function snapshotRoutes(): Map<string, string> {
  const text = readFileSync(join(__dirname, '__snapshots__', 'route-policies.medium-spec.ts.snap'), 'utf8');
  const routes = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^"?((?:GET|POST|PATCH|PUT|DELETE) \/api\/orgs\/:orgId\S*|WS \S+ \S+) -> (.+?)"?$/.exec(line.trim());
    if (match) routes.set(match[1]!, match[2]!);
  }
  return routes;
}

describe('the authorization matrix covers every route of the snapshot', () => {
  const routes = snapshotRoutes();
  const rows = new Map(MATRIX_ROWS.map((row) => [row.route, row]));

  it('reads the snapshot (organization routes and socket handlers)', () => {
    expect(routes.size).toBeGreaterThan(80);
    expect(routes.get('POST /api/orgs/:orgId/copies/:copyId/cancel')).toBe('update:Job');
    expect(routes.get('WS /dashboard printers.requestResync')).toBe('read:Printer');
  });

  it('every route under /api/orgs/:orgId and every socket handler has a row', () => {
    const missing = [...routes.keys()].filter((route) => !rows.has(route));
    if (missing.length)
      throw new Error(
        `No row in test/security/matrix/matrix-routes.ts for: ${missing.join(', ')}. ` +
          'Add one saying where its object lives and what a caller who is let through gets.',
      );
  });

  it("each row restates the route's declared policy", () => {
    const changed = MATRIX_ROWS.filter((row) => routes.has(row.route) && routes.get(row.route) !== row.policy).map(
      (row) => `${row.route}: the row says ${row.policy}, the route declares ${routes.get(row.route)}`,
    );
    expect(changed).toEqual([]);
  });

  it('no row for a route that is gone, and one row per route', () => {
    expect(MATRIX_ROWS.map((row) => row.route).filter((route) => !routes.has(route))).toEqual([]);
    expect(MATRIX_ROWS.length).toBe(rows.size);
  });

  it('each row names objects only through parameters of its route', () => {
    for (const row of MATRIX_ROWS) {
      expect({ route: row.route, places: row.places.length > 0 }).toEqual({ route: row.route, places: true });
      for (const parameter of [...Object.keys(row.objects ?? {}), ...Object.keys(row.values ?? {})])
        expect({ route: row.route, parameter, present: row.route.includes(`:${parameter}`) }).toEqual({
          route: row.route,
          parameter,
          present: true,
        });
    }
  });
});
