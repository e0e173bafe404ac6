import { UsageError } from './usage.error.js';

export interface OptionSpec {
  /** `flag` takes no value; `value` takes one (`--name VALUE` or `--name=VALUE`). */
  kind: 'flag' | 'value';
  short?: string;
}

export interface ParsedArgv {
  options: Record<string, string | boolean>;
  /** Positionals before the command (none are expected today). */
  positionals: string[];
  /** Everything after `--`, or from the first positional on when `commandAfterPositional` is set. */
  command: string[];
}

/**
 * Parses one subcommand's arguments. Unlike `util.parseArgs`, it stops at the server command (after `--`,
 * or at the first positional for `stdio`), so the server's own flags are never taken for the collector's.
 */
export function parseArgv(argv: readonly string[], specs: Record<string, OptionSpec>, options: { commandAfterPositional?: boolean } = {}): ParsedArgv {
  const byShort = new Map(Object.entries(specs).flatMap(([name, spec]) => (spec.short ? [[spec.short, name] as const] : [])));
  const parsed: ParsedArgv = { options: {}, positionals: [], command: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i] as string;
    if (token === '--') {
      parsed.command = argv.slice(i + 1);
      return parsed;
    }
    if (token.startsWith('-') && token !== '-') {
      const long = token.startsWith('--');
      const body = long ? token.slice(2) : token.slice(1);
      const eq = long ? body.indexOf('=') : -1;
      const rawName = eq >= 0 ? body.slice(0, eq) : body;
      const name = long ? rawName : byShort.get(rawName);
      const spec = name === undefined ? undefined : specs[name];
      if (name === undefined || spec === undefined) throw new UsageError(`unknown option ${token.split('=')[0]}`);
      if (spec.kind === 'flag') {
        if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
        parsed.options[name] = true;
        continue;
      }
      let value: string | undefined;
      if (eq >= 0) value = body.slice(eq + 1);
      else {
        value = argv[i + 1];
        i += 1;
      }
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`option --${name} needs a value`);
      if (value === '') throw new UsageError(`option --${name} needs a value (it was given empty)`);
      // `--server a --server b` is a mistake, not a choice: the last one silently winning hides it.
      if (name in parsed.options) throw new UsageError(`option --${name} is given more than once`);
      parsed.options[name] = value;
      continue;
    }
    if (options.commandAfterPositional) {
      parsed.command = argv.slice(i);
      return parsed;
    }
    parsed.positionals.push(token);
  }
  return parsed;
}
