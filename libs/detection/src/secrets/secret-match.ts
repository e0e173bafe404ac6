/**
 * One secret found in a text: its kind (`aws_access_key`, `private_key`, `jwt`, `password_in_url`,
 * `card_number`, `github_token`…), its span `[start, end)` in UTF-16 code units, and the detector that
 * found it (`palisade/<pattern>` or a secretlint rule id).
 */
export interface SecretMatch {
  type: string;
  start: number;
  end: number;
  detector: string;
}

/** Detector suffix for documentation example secrets (AWS's `AKIAIOSFODNN7EXAMPLE`…): still redacted, reported as examples. */
export const EXAMPLE_SECRET_SUFFIX = '#example';

/** True for a match of a well-known documentation example (redacted, but not evidence of a leak). */
export function isExampleSecret(detector: string | undefined): boolean {
  return detector?.endsWith(EXAMPLE_SECRET_SUFFIX) ?? false;
}
