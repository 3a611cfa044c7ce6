import type { HttpResult } from '@farmhand/testing';
import { CALLER_NAMES, CALLERS, holds, type CallerName } from './matrix-callers';
import { MATRIX_ROWS, type MatrixGroup, type MatrixRow, type Outcome } from './matrix-routes';
import { MatrixWorld, type Place } from './matrix-world';

const PLACE_LABELS: Record<Place, string> = {
  fleet: "in the caller's fleet",
  otherFleet: 'in another fleet',
  otherOrg: 'in another organization',
  org: 'of the organization',
  none: '',
};

/**
 * The answer a caller must get, from the row and the callers' declared grants only: no credential 401; not of the
 * organization 404; an agent's credential 403 (it is its printer, not a member); a policy the caller does not hold
 * 403; an object out of reach (another organization's, or another fleet's for a fleet-limited caller) 404; else the
 * route's own answer.
 */
export function expectedOutcome(row: MatrixRow, caller: CallerName, place: Place): Outcome {
  const who = CALLERS[caller];
  if (who.kind === 'anonymous') return { status: 401, code: 'unauthenticated' };
  if (who.kind === 'outsider') return { status: 404, code: 'organization_not_found' };
  if (who.kind === 'agent') return { status: 403, code: 'agent_not_allowed' };
  if (!row.policy.split(' & ').every((pair) => holds(caller, pair))) return { status: 403, code: 'forbidden' };
  const special = row.special?.(caller);
  if (special) return special;
  const outOfReach = place === 'otherOrg' || (place === 'otherFleet' && who.fleetLimited && row.fleetBound);
  if (outOfReach) return row.outOfReach ?? { status: 404 };
  return row.allowed ?? { status: '2xx' };
}

export function describeOutcome(outcome: Outcome): string {
  if (outcome.status === '2xx') return 'allowed';
  return `${outcome.status}${'code' in outcome && outcome.code ? ` ${outcome.code}` : ''}`;
}

/** Whether the caller gets past authorization, so the request acts (and needs objects of its own). */
function letThrough(row: MatrixRow, outcome: Outcome): boolean {
  return outcome.status === '2xx' || outcome === row.allowed;
}

async function send(world: MatrixWorld, row: MatrixRow, caller: CallerName, place: Place, acts: boolean) {
  const [method, template] = row.route.split(' ') as [string, string];
  // A request that is let through and changes something gets objects of its own; reads share them.
  const fresh = acts && method !== 'GET';
  await row.setup?.(world, place);
  let path = template;
  for (const [name, kind] of Object.entries(row.objects ?? {}))
    path = path.replace(`:${name}`, await world.object(kind, place, fresh));
  for (const [name, value] of Object.entries(row.values ?? {})) path = path.replace(`:${name}`, value());
  const orgId = fresh && row.organization ? await row.organization(world) : world.orgA.id;
  path = path.replace(':orgId', orgId) + (row.query ? `?${row.query}` : '');
  const client = world.callers[caller];
  if (row.raw)
    return client.request(method, path, undefined, {
      raw: row.raw.text(world),
      headers: { 'content-type': row.raw.contentType },
    });
  const body = row.body?.(world, place) ?? (method === 'POST' || method === 'PATCH' ? {} : undefined);
  return client.request(method, path, body);
}

export function check(response: HttpResult, expected: Outcome, what: string): void {
  const code = (response.body as { error?: { code?: string } } | undefined)?.error?.code;
  const ok =
    expected.status === '2xx'
      ? response.status >= 200 && response.status < 300
      : response.status === expected.status && (!('code' in expected) || !expected.code || code === expected.code);
  if (!ok) {
    const body = typeof response.body === 'string' ? response.body.slice(0, 200) : JSON.stringify(response.body);
    throw new Error(`${what}: expected ${describeOutcome(expected)}, got ${response.status} ${body ?? ''}`);
  }
}

/** Every row of `group`, as every caller, with the object in every place the row names. */
export function describeMatrix(group: Exclude<MatrixGroup, 'sockets'>): void {
  const rows = MATRIX_ROWS.filter((row) => row.group === group);
  describe(`authorization matrix: ${group}`, () => {
    let world: MatrixWorld;
    // Two organizations, every role, fleets, keys and a real agent: over a minute on a loaded 2-core machine.
    beforeAll(async () => {
      world = await MatrixWorld.start();
    }, 240_000);
    afterAll(() => world?.close());

    for (const row of rows) {
      describe(row.route, () => {
        for (const place of row.places) {
          for (const caller of CALLER_NAMES) {
            const expected = expectedOutcome(row, caller, place);
            const object = place === 'none' ? '' : `, object ${PLACE_LABELS[place]}`;
            it(`${caller}${object} -> ${describeOutcome(expected)}`, async () => {
              const acts = letThrough(row, expected);
              const response = await send(world, row, caller, place, acts);
              check(response, expected, `${row.route} as ${caller}${object}`);
              if (acts && response.status < 300) await row.after?.(world, caller);
            });
          }
        }
      });
    }
  });
}
