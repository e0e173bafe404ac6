import { CONTROL_TOPIC, TELEMETRY_TOPIC } from '@palisade/schema/telemetry';
import { z } from 'zod';
import { topicNameProblem } from '../shared/topic-name.js';

const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(\d{1,5})$/;

/** Shown for a value in an error line: quoted, bounded, on one line. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

function whole(name: string, min: number, max: number, unit = '') {
  return z
    .string()
    .trim()
    .refine((raw) => /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max, {
      error: (issue) => `${name} must be a whole number from ${min} to ${max}${unit} (got ${shown(String(issue.input))})`,
    })
    .transform(Number);
}

function flag(name: string) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((raw) => ['true', 'false', '1', '0', 'yes', 'no'].includes(raw), {
      error: (issue) => `${name} must be true or false (got ${shown(String(issue.input))})`,
    })
    .transform((raw) => ['true', '1', 'yes'].includes(raw));
}

const topic = z
  .string()
  .trim()
  .superRefine((raw, ctx) => {
    const problem = topicNameProblem(raw);
    if (problem) ctx.addIssue({ code: 'custom', message: `PALISADE_TOPIC: ${problem}` });
    else if (raw === CONTROL_TOPIC) ctx.addIssue({ code: 'custom', message: `PALISADE_TOPIC must not be ${CONTROL_TOPIC}, which carries quarantine decisions` });
  });

const brokers = z
  .string()
  .transform((raw) => raw.split(',').map((broker) => broker.trim()))
  .superRefine((list, ctx) => {
    const bad = list.filter((broker) => {
      const match = HOST_PORT.exec(broker);
      return !match || Number(match[1]) < 1 || Number(match[1]) > 65535;
    });
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `KAFKA_BROKERS must be a comma-separated host:port list (bad: ${bad.map(shown).join(', ')})` });
    }
  });

/**
 * The bus's environment variables (contract section 2 plus the bus's own tuning). Empty values count as
 * unset. Every message starts with the variable's name; cross-variable rules live in `busConfigFromEnv`.
 */
export const BusEnvSchema = z.object({
  PALISADE_BUS: z
    .enum(['sqlite', 'kafka'], { error: (issue) => `PALISADE_BUS must be sqlite or kafka (got ${shown(String(issue.input))})` })
    .default('sqlite'),
  PALISADE_HOME: z.string().default('./.palisade'),
  PALISADE_TOPIC: topic.default(TELEMETRY_TOPIC),
  /** `normal` survives kill -9 of any process; `full` also survives power loss (slower). */
  PALISADE_BUS_SYNC: z
    .enum(['normal', 'full'], { error: (issue) => `PALISADE_BUS_SYNC must be normal or full (got ${shown(String(issue.input))})` })
    .default('normal'),
  /** Hours a message is kept once every durable group has consumed it (0: no age limit). */
  PALISADE_BUS_RETENTION_HOURS: whole('PALISADE_BUS_RETENTION_HOURS', 0, 87_600, ' hours').default(168),
  /** Payload megabytes the sqlite log keeps; beyond it the oldest go, consumed or not (0: no size limit). */
  PALISADE_BUS_MAX_MB: whole('PALISADE_BUS_MAX_MB', 0, 10_485_760, ' MB').default(1024),
  KAFKA_BROKERS: brokers.optional(),
  KAFKA_CLIENT_ID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, { error: (issue) => `KAFKA_CLIENT_ID may contain only letters, digits, '.', '_' and '-' (got ${shown(String(issue.input))})` })
    .default('palisade'),
  KAFKA_PARTITIONS: whole('KAFKA_PARTITIONS', 1, 10_000).default(6),
  KAFKA_REPLICATION_FACTOR: whole('KAFKA_REPLICATION_FACTOR', 1, 32).optional(),
  KAFKA_SSL: flag('KAFKA_SSL').default(false),
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'], {
      error: (issue) => `KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512 (got ${shown(String(issue.input))})`,
    })
    .optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  // Never echoed in an error line.
  KAFKA_SASL_PASSWORD: z.string().optional(),
});

export type BusEnv = z.infer<typeof BusEnvSchema>;
