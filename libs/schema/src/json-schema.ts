import { z } from 'zod';
import { TelemetryEvent } from './telemetry-event.schema.js';

/** JSON Schema (draft 2020-12) of the telemetry event, for third-party producers. */
export function telemetryEventJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://palisade.dev/schemas/telemetry-event.v1.json',
    title: 'Palisade telemetry event',
    ...z.toJSONSchema(TelemetryEvent, { io: 'input', unrepresentable: 'any' }),
  };
}
