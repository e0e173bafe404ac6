/** One unusable setting: the variable and a sentence that starts with its name. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/**
 * A bad or contradictory setting, raised by every part that reads settings (bus, store, detector). Its
 * message is one line naming every variable at fault, fit to print as the only line before the program
 * stops (contract section 2); values of secrets are never in it.
 */
export class ConfigError extends Error {
  readonly code = 'PALISADE_CONFIG_INVALID' as const;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map((problem) => problem.message.replace(/\s+/g, ' ')).join('; '));
    this.name = 'ConfigError';
    this.problems = problems;
  }

  /** One problem with one variable. */
  static of(variable: string, message: string): ConfigError {
    return new ConfigError([{ variable, message }]);
  }

  /** The variables at fault, in the order reported. */
  get variables(): string[] {
    return this.problems.map((problem) => problem.variable);
  }
}
