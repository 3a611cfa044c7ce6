import {
  AbilityBuilder,
  createMongoAbility,
  type ForcedSubject,
  type MongoAbility,
  type MongoQuery,
} from '@casl/ability';
import type { Principal } from './principal';
import { PRINTER_CONTROL_ACTIONS, parseScope, type Action, type SubjectType } from './vocabulary';

export type AppSubject = SubjectType | 'all' | (ForcedSubject<SubjectType> & object);
export type AppAbility = MongoAbility<[Action, AppSubject], MongoQuery>;

const READABLE_BY_MEMBERS: SubjectType[] = ['Organization', 'Member', 'Fleet', 'Printer', 'File', 'Job', 'Alert'];

/**
 * Roles as CASL rules. Every rule is conditioned on the organization, and fleet-limited memberships or keys add a
 * fleet condition on printers and fleets, so the same role applies only inside its fleets. Anything not granted
 * here is denied.
 */
export function defineAbilityFor(principal: Principal): AppAbility {
  // Built untyped (CASL's condition typing does not follow string subjects), exposed as the typed AppAbility.
  const { can, cannot, build } = new AbilityBuilder<MongoAbility>(createMongoAbility);

  switch (principal.kind) {
    case 'user': {
      if (!principal.orgId || !principal.role) break;
      const org = { orgId: principal.orgId };
      const fleets = principal.fleetIds;
      const printerScope = fleets ? { orgId: principal.orgId, fleetId: { $in: fleets } } : org;
      const fleetScope = fleets ? { orgId: principal.orgId, id: { $in: fleets } } : org;
      switch (principal.role) {
        case 'owner':
        case 'admin':
          if (fleets) {
            // A fleet-limited admin administers printers inside its fleets only.
            for (const subject of READABLE_BY_MEMBERS)
              can('read', subject, subject === 'Printer' ? printerScope : subject === 'Fleet' ? fleetScope : org);
            can(
              ['update', 'delete', 'enroll', 'revoke', 'rotate', ...PRINTER_CONTROL_ACTIONS],
              'Printer',
              printerScope,
            );
            can(['create', 'update', 'delete'], ['File', 'Job', 'Alert'], org);
            can(['read', 'create', 'delete'], 'EnrollmentToken', org);
            break;
          }
          can('manage', 'all', org);
          if (principal.role === 'admin') cannot('delete', 'Organization');
          break;
        case 'operator':
          for (const subject of READABLE_BY_MEMBERS)
            can('read', subject, subject === 'Printer' ? printerScope : subject === 'Fleet' ? fleetScope : org);
          can([...PRINTER_CONTROL_ACTIONS, 'update'], 'Printer', printerScope);
          can(['create', 'update', 'delete'], ['File', 'Job'], org);
          can('update', 'Alert', org);
          break;
        case 'viewer':
          for (const subject of READABLE_BY_MEMBERS)
            can('read', subject, subject === 'Printer' ? printerScope : subject === 'Fleet' ? fleetScope : org);
          break;
      }
      break;
    }
    case 'apiKey': {
      const fleets = principal.fleetIds;
      for (const scope of principal.scopes) {
        const [action, subject] = parseScope(scope);
        if (fleets && subject === 'Printer') can(action, subject, { orgId: principal.orgId, fleetId: { $in: fleets } });
        else if (fleets && subject === 'Fleet') can(action, subject, { orgId: principal.orgId, id: { $in: fleets } });
        else can(action, subject, { orgId: principal.orgId });
      }
      break;
    }
    case 'agent':
      // An agent's credential acts as its own printer and nothing else.
      can(['read', 'report'], 'Printer', { id: principal.printerId, orgId: principal.orgId });
      break;
    case 'system':
      // `start`: the print scheduler dispatching a queued copy to a ready printer.
      can(['read', 'start', 'pause', 'cancel'], 'Printer', { orgId: principal.orgId });
      can(['read', 'create', 'update'], 'Alert', { orgId: principal.orgId });
      break;
  }
  return build() as unknown as AppAbility;
}
