import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { COLLECTOR_BIN, FIXTURES } from './processes';

/**
 * An agent's MCP session through the real collector CLI: the SDK client speaks to
 * `palisade-collector stdio --server NAME -- node FIXTURE`, which records to PALISADE_HOME's sqlite bus.
 */
export async function collectorSession(home: string, server: string, fixture: string, args: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [COLLECTOR_BIN, 'stdio', '--server', server, '--', process.execPath, path.join(FIXTURES, fixture), ...args],
    env: { ...getDefaultEnvironment(), PALISADE_HOME: home },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'cursor', version: '1.7.0' }, { capabilities: {} });
  await client.connect(transport);
  return client;
}

/** A fabricated private key, as the poisoned `add` asks the model to pass along (test data only). */
export const FAKE_PRIVATE_KEY = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 'QyNTUxOQAAACDhH0bFak3KeyForPalisadeDashboardTestsOnly00000000000AAAAJgAAAA', '-----END OPENSSH PRIVATE KEY-----'].join('\n');
