export * from './store.port.js';
export * from './store.error.js';
export { parseTextQuery, type TextTerm } from './shared/text-query.js';
export { eventSearchText, DEFAULT_EVENT_TEXT_CHARS } from './shared/event-text.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite.store.js';
