/**
 * Roles and what each may do. Investors are the anonymous public and have no account.
 */

/** Roles a signed-in account can have. */
export const ACCOUNT_ROLES = ['staff', 'reviewer', 'officer', 'admin'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** Every caller has exactly one role; `public` is the anonymous investor. */
export type Role = 'public' | AccountRole;

/** A signed-in user as the rest of the server sees it. */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: AccountRole;
}

/** Who is calling: the user (if signed in) and the effective role. */
export interface Viewer {
  user: SessionUser | null;
  role: Role;
}

/** The anonymous public viewer. */
export const PUBLIC_VIEWER: Viewer = Object.freeze({ user: null, role: 'public' as const });

/**
 * Whether the viewer sees features that are not yet published (draft, verified).
 * Carrier-resource staff, reviewers (校核) and admins work on drafts. Officers see what the public
 * sees, so nothing unreviewed can reach a client's shortlist through them.
 */
export function seesUnpublished(viewer: Viewer): boolean {
  return viewer.role === 'staff' || viewer.role === 'reviewer' || viewer.role === 'admin';
}

/**
 * Whether the viewer sees internal fields (review state, data source, batch, importer): those who
 * work on drafts do; the public and officers (whose views reach clients) do not.
 */
export function seesInternalFields(viewer: Viewer): boolean {
  return seesUnpublished(viewer);
}

/** Keys of internal fields in the API objects of tours, panoramas and 3D assets. */
const INTERNAL_KEYS = ['review_state', 'reviewState', 'reviewed_at', 'reviewedAt', 'created_by', 'createdBy', 'reviewed_by', 'reviewedBy', 'batch_id', 'batchId'] as const;

/** `obj` without its internal keys unless the viewer sees internal fields (a shallow copy; `obj` is untouched). */
export function omitInternal<T extends object>(viewer: Viewer, obj: T): T {
  if (seesInternalFields(viewer)) return obj;
  const out = { ...obj } as Record<string, unknown>;
  for (const k of INTERNAL_KEYS) delete out[k];
  return out as T;
}

/** Access rule a route declares: anyone, any signed-in user, or a list of roles. */
export type Access = 'public' | 'signed-in' | readonly AccountRole[];

/** Whether `viewer` satisfies `access`. Admins satisfy every role list. */
export function allows(access: Access, viewer: Viewer): boolean {
  if (access === 'public') return true;
  if (!viewer.user) return false;
  if (access === 'signed-in') return true;
  return viewer.role === 'admin' || access.includes(viewer.role as AccountRole);
}
