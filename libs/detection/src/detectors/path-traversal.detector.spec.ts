import { describe, expect, it } from 'vitest';
import { alertsOf } from '../../test/engine.fixture.js';
import { detectPathTraversal } from './path-traversal.detector.js';

const severityFor = (args: Record<string, unknown>, tool = 'read_file', config = {}): string | null => alertsOf('path_traversal', [{ tool, arguments: args }], config)[0]?.severity ?? null;

describe(detectPathTraversal.name, () => {
  it('flags credential and system files as high', () => {
    expect(severityFor({ path: '/home/user/.ssh/id_rsa' })).toBe('high');
    expect(severityFor({ file: '~/.aws/credentials' })).toBe('high');
    expect(severityFor({ shell: 'bash', options: { cwd: '/tmp', files: ['/home/user/.env'] } }, 'execute_command')).toBe('high');
    expect(severityFor({ path: '/proc/self/environ' })).toBe('high');
    expect(severityFor({ path: 'C:\\Windows\\System32\\config\\SAM' })).toBe('high');
    // The classic relative climb to the account files, with no root to resolve it against.
    expect(severityFor({ path: '../../etc/passwd' })).toBe('high');
    expect(severityFor({ path: '..\\..\\..\\etc\\shadow' })).toBe('high');
    expect(severityFor({ path: 'fixtures/etc/passwd' })).toBeNull();
  });

  it('flags climbing out with .. (plain or encoded) as medium', () => {
    expect(severityFor({ filename: '../README.md' })).toBe('medium');
    expect(severityFor({ file: '..%2f..%2fsecret.txt' })).toBe('medium');
  });

  it('flags absolute paths outside the allowed roots when roots are known', () => {
    const config = { options: { roots: { 'example-server': ['/home/dev/project'] } } };
    expect(severityFor({ path: '/home/dev/project/src/a.ts' }, 'read_file', config)).toBeNull();
    expect(severityFor({ path: '/var/log/syslog' }, 'read_file', config)).toBe('medium');
    expect(severityFor({ path: '/home/dev/project/../other/x' }, 'read_file', config)).toBe('medium');
  });

  it('learns roots from roots/list', () => {
    const alerts = alertsOf('path_traversal', [
      { method: 'roots/list', 'palisade.direction': 'server_to_client', result: { roots: [{ uri: 'file:///srv/app', name: 'app' }] } },
      { tool: 'read_file', arguments: { path: '/srv/app/a.txt' } },
      { tool: 'read_file', arguments: { path: '/srv/other/b.txt' } },
    ]);
    expect(alerts.map((a) => a.evidence.matches[0]?.text)).toEqual(['/srv/other/b.txt']);
  });

  it('leaves ordinary paths, public keys and keys named by SSH tools alone (below medium)', () => {
    expect(severityFor({ path: '/home/user/projects/my-app/src/main.ts' })).toBeNull();
    expect(severityFor({ path: '/home/dev/.ssh/id_ed25519.pub' })).toBeNull();
    expect(severityFor({ host: 'prod-1', key_path: '~/.ssh/id_ed25519' }, 'ssh_exec')).toBe('low');
    expect(severityFor({ url: 'https://example.com/../x' }, 'fetch')).toBeNull();
  });

  it('flags fetches of cloud metadata, disguised hosts, local admin APIs and gadget schemes (SSRF) as high', () => {
    expect(severityFor({ url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }, 'fetch')).toBe('high');
    expect(severityFor({ url: 'http://metadata.google.internal/computeMetadata/v1/instance/' }, 'fetch')).toBe('high');
    expect(severityFor({ url: 'http://2852039166/latest/meta-data/' }, 'fetch')).toBe('high');
    expect(severityFor({ url: 'http://127.0.0.1:2375/containers/json' }, 'http_request')).toBe('high');
    expect(severityFor({ url: 'gopher://127.0.0.1:6379/_FLUSHALL' }, 'fetch')).toBe('high');
    expect(severityFor({ url: 'http://[::ffff:a9fe:a9fe]/latest/meta-data/' }, 'fetch')).toBe('high');
  });

  it('leaves ordinary and local development URLs alone', () => {
    expect(severityFor({ url: 'http://localhost:3000/login' }, 'browser_navigate')).toBeNull();
    expect(severityFor({ url: 'https://api.github.com/repos/o/r/issues?state=open' }, 'fetch')).toBeNull();
  });

  it('flags ....// (what is left once a filter strips ../) but not .. that stays inside', () => {
    expect(severityFor({ path: 'uploads/....//....//....//etc/cron.d/job' }, 'write_file')).toBe('medium');
    expect(severityFor({ path: 'docs/../README.md' })).toBeNull();
    expect(severityFor({ path: 'docs/../../secret.txt' })).toBe('medium');
  });

  it('treats .env templates as ordinary files', () => {
    expect(severityFor({ path: '.env.example' }, 'write_file')).toBeNull();
    expect(severityFor({ path: '.env.production' })).toBe('high');
  });

  it('reads a prose-named argument whose whole value is a path as a path', () => {
    expect(severityFor({ template: '../../../../home/alice/.bash_history' }, 'get_template')).toBe('high');
    expect(severityFor({ body: 'See ../docs/setup.md for details.' }, 'create_issue')).toBeNull();
  });
});
