/** A bad command line or setting: reported as one line naming the problem, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}
