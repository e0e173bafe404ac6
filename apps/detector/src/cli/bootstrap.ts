import { type Bus, busConfigFromEnv, createBus } from '@palisade/bus';
import { prepareDataHome } from '@palisade/schema';
import { type Store, createStore, storeConfigFromEnv } from '@palisade/store';
import { type DetectorConfig, loadDetectorConfig } from '../config/detector-config.js';

export interface Infrastructure {
  config: DetectorConfig;
  store: Store;
  bus: Bus;
}

/**
 * Parses every setting first (a bad one stops the program with one line naming it), then opens the
 * store (migrations / index templates) and the bus.
 */
export async function openInfrastructure(env: NodeJS.ProcessEnv = process.env): Promise<Infrastructure> {
  const config = loadDetectorConfig(env);
  const busConfig = busConfigFromEnv(env);
  const storeConfig = storeConfigFromEnv(env);
  prepareDataHome(config.home);
  const store = await createStore(storeConfig);
  const bus = createBus(busConfig);
  await bus.ensureTopics([config.topic, 'mcp.control']);
  return { config, store, bus };
}
