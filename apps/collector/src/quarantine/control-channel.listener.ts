import type { Bus, BusConsumer } from '@palisade/bus';
import { CONTROL_TOPIC, ControlMessage } from '@palisade/schema/telemetry';
import type { Logger } from 'pino';
import type { QuarantineRegistry } from './quarantine.registry.js';

/**
 * Learns quarantine decisions from `mcp.control`: an ephemeral consumer (offsets in memory, nothing left
 * behind) that reads the topic from the beginning at every start, so the latest snapshot and the decisions
 * after it rebuild the current set. Messages it cannot read are logged and skipped.
 */
export class ControlChannelListener {
  private consumer: BusConsumer | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly registry: QuarantineRegistry,
    private readonly logger: Logger,
    private readonly pollIntervalMs = 250,
  ) {}

  start(bus: Bus, collectorId: string): void {
    this.consumer = bus.consumer({ group: `collector-${collectorId}`, topic: CONTROL_TOPIC, ephemeral: true, fromBeginning: true, pollIntervalMs: this.pollIntervalMs });
    this.running = this.consumer
      .run(async (messages) => {
        for (const message of messages) {
          let value: unknown;
          try {
            value = JSON.parse(message.value);
          } catch {
            value = undefined;
          }
          const parsed = ControlMessage.safeParse(value);
          if (!parsed.success) {
            this.logger.warn({ offset: message.offset }, 'unreadable message on mcp.control: skipped');
            continue;
          }
          this.registry.apply(parsed.data);
          if (parsed.data.type !== 'quarantine.snapshot' && parsed.data.server === this.registry.serverName) {
            this.logger.info({ tool: parsed.data.tool, decision: parsed.data.type }, 'quarantine decision received');
          }
        }
        this.registry.markReady();
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'mcp.control consumer stopped'));
  }

  async stop(): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
    await this.running;
  }
}
