import type { Role } from '@farmhand/authz';

/**
 * Roles a provider can hand out. Never `owner`: whoever controls the provider's groups would otherwise decide who
 * owns the organization; owners are made inside Farmhand, by an owner.
 */
export const SSO_ASSIGNABLE_ROLES = ['admin', 'operator', 'viewer'] as const satisfies readonly Role[];
export type SsoAssignableRole = (typeof SSO_ASSIGNABLE_ROLES)[number];

/** The strongest role among the person's groups, or null when no group of theirs is mapped. */
export function roleFromGroups(
  groups: readonly string[],
  mapping: Readonly<Record<string, Role>>,
): SsoAssignableRole | null {
  let best: SsoAssignableRole | null = null;
  for (const group of groups) {
    const role = Object.prototype.hasOwnProperty.call(mapping, group) ? mapping[group] : undefined;
    // Only assignable roles count: a stored `owner` (never accepted by the config routes) grants nothing.
    if (!role || !(SSO_ASSIGNABLE_ROLES as readonly Role[]).includes(role)) continue;
    const assignable = role as SsoAssignableRole;
    if (best === null || SSO_ASSIGNABLE_ROLES.indexOf(assignable) < SSO_ASSIGNABLE_ROLES.indexOf(best))
      best = assignable;
  }
  return best;
}

/** A claim's groups: an array of strings, or one string; anything else is no groups. */
export function groupsFromClaim(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}
