// Types of scenarios.mjs (plain ES module, shared by `npm run demo` and the end-to-end tests).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { AlertCategory, Incident, Page, Severity } from '@palisade/schema';

export const REPO: string;

export interface CollectorSession {
  client: Client;
  close(): Promise<void>;
  stderr(): string;
}

export interface ExpectedAlert {
  category: AlertCategory;
  server: string;
  tool: string;
  minSeverity: Severity;
}

export interface ScenarioContext {
  env: Record<string, string>;
  connect(server: string, command: string[], extraEnv?: Record<string, string>): Promise<CollectorSession>;
}

export interface Scenario {
  name: string;
  title: string;
  expect?: ExpectedAlert[];
  benign?: string[];
  run(ctx: ScenarioContext): Promise<void>;
}

export const SCENARIOS: Scenario[];

export function connectThroughCollector(options: { server: string; command: string[]; env?: Record<string, string>; clientName?: string; collectorArgs?: string[] }): Promise<CollectorSession>;
export function call(client: Client, name: string, args: Record<string, unknown>): Promise<{ ok: boolean; text: string }>;
export function runScenarios(options: {
  env: Record<string, string>;
  only?: string[];
  onProgress?: (scenario: Scenario, index: number, total: number) => void;
  clientName?: string;
}): Promise<{ name: string; ms: number }[]>;
export function incidentSummary(incidents: Page<Pick<Incident, 'severity' | 'title'>>, counts: Partial<Record<string, number>>, shown?: number): string[];
