import type { VersionReferences } from '../store.port.js';

/** Whether evidence refers to this version: its hash, or the event it first appeared in, is named by `keep`. */
export function isReferenced(version: { hash: string; eventId: string }, keep: VersionReferences): boolean {
  return keep.hashes.has(version.hash) || keep.eventIds.has(version.eventId);
}
