import { z } from 'zod';
import { IsoTimestamp, Sha256Hex } from './common.schema.js';

export const ExportFormat = z.enum(['ndjson', 'csv']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** Where an export stands: being written, finished (its bundle can be downloaded), or given up. */
export const ExportState = z.enum(['running', 'done', 'failed']);
export type ExportState = z.infer<typeof ExportState>;

/** The manifest of a compliance bundle (contract section 7). */
export const ExportManifest = z.object({
  kind: z.literal('palisade.compliance-bundle'),
  manifestVersion: z.literal(1),
  id: z.string().min(1).max(80),
  createdAt: IsoTimestamp,
  exporter: z.string().max(200),
  schemaVersion: z.number().int().positive(),
  format: ExportFormat,
  range: z.object({ from: IsoTimestamp, to: IsoTimestamp }),
  /** Every file of the bundle, in order, with its SHA-256 and size. */
  files: z.array(z.object({ path: z.string().max(300), sha256: Sha256Hex, bytes: z.number().int().nonnegative(), records: z.number().int().nonnegative() })),
  audit: z.object({
    /** First and last sequence number exported, the hash the first chains to, and the chain head. */
    firstSeq: z.number().int().nonnegative(),
    lastSeq: z.number().int().nonnegative(),
    prevHash: Sha256Hex,
    head: Sha256Hex,
  }),
  /**
   * The retention in force when the bundle was made (days kept of events, alerts and audit entries): what
   * is older than `createdAt` minus those days may have been deleted, so its absence from the bundle is
   * retention rather than tampering. Absent in bundles made before it was recorded.
   */
  retention: z.object({ eventsDays: z.number().int().nonnegative(), alertsDays: z.number().int().nonnegative(), auditDays: z.number().int().nonnegative() }).optional(),
  /** The install's Ed25519 export public key (base64 DER SPKI); compare its fingerprint with the install's. */
  publicKey: z.string().max(200).optional(),
  /** Ed25519 signature (base64) of the canonical manifest without this field. */
  signature: z.string().max(200).optional(),
});
export type ExportManifest = z.infer<typeof ExportManifest>;
