/** API roles (contract section 5). */
export type Role = 'admin' | 'analyst' | 'auditor' | 'collector';

/** Who is calling: from a bearer token. Never carries the token itself. */
export interface Principal {
  /** Token id (or `admin-token` / `ingest-token` for tokens from the environment). */
  id: string;
  /** Human-readable token name, used as the actor in audit entries. */
  name: string;
  role: Role;
}

/** What each role may do. */
export type Permission = 'read' | 'export' | 'triage' | 'ingest' | 'quarantine_state' | 'admin';

const PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ['read', 'export', 'triage', 'ingest', 'quarantine_state', 'admin'],
  analyst: ['read', 'export', 'triage', 'quarantine_state'],
  auditor: ['read', 'export', 'quarantine_state'],
  collector: ['ingest', 'quarantine_state'],
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return PERMISSIONS[role].includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return PERMISSIONS[role];
}
