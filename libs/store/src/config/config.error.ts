/**
 * A bad or contradictory store setting. The message is one line naming every variable at fault (contract
 * section 2: the program prints it and stops); secret values (API key, password) are never part of it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** The variables at fault, in the order reported. */
    readonly variables: readonly string[],
    message: string,
  ) {
    super(message.replace(/\s+/g, ' '));
  }
}
