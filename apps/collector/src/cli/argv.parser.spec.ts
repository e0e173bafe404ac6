import { describe, expect, it } from 'vitest';
import { parseArgv } from './argv.parser.js';
import { UsageError } from './usage.error.js';

const specs = { server: { kind: 'value' as const }, verbose: { kind: 'flag' as const, short: 'v' } };

describe(parseArgv.name, () => {
  it('stops at -- and keeps the server command untouched', () => {
    const parsed = parseArgv(['--server', 'fs', '-v', '--', 'node', 'server.js', '--server', 'x'], specs);
    expect(parsed.options).toEqual({ server: 'fs', verbose: true });
    expect(parsed.command).toEqual(['node', 'server.js', '--server', 'x']);
  });

  it('takes the first positional as the start of the command when asked to', () => {
    const parsed = parseArgv(['--server=fs', 'npx', '-y', 'pkg'], specs, { commandAfterPositional: true });
    expect(parsed.options).toEqual({ server: 'fs' });
    expect(parsed.command).toEqual(['npx', '-y', 'pkg']);
  });

  it('names an unknown option, a missing value and a value given to a flag', () => {
    expect(() => parseArgv(['--nope'], specs)).toThrow(new UsageError('unknown option --nope'));
    expect(() => parseArgv(['--server'], specs)).toThrow(new UsageError('option --server needs a value'));
    expect(() => parseArgv(['--server', '--verbose'], specs)).toThrow(new UsageError('option --server needs a value'));
    expect(() => parseArgv(['--verbose=yes'], specs)).toThrow(new UsageError('option --verbose takes no value'));
    expect(() => parseArgv(['--server='], specs)).toThrow(new UsageError('option --server needs a value (it was given empty)'));
    expect(() => parseArgv(['--server', 'a', '--server=b'], specs)).toThrow(new UsageError('option --server is given more than once'));
  });
});
