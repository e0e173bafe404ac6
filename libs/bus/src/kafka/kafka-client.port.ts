import type {
  ConsumerConfig,
  ConsumerCrashEvent,
  ConsumerRunConfig,
  ConsumerSubscribeTopics,
  DeleteGroupsResult,
  FetchOffsetsPartition,
  ITopicConfig,
  ProducerBatch,
  ProducerConfig,
  RecordMetadata,
  SeekEntry,
} from 'kafkajs';

/**
 * The part of kafkajs the Kafka bus uses, so a fake can stand in for it in unit tests. A real `Kafka`
 * instance satisfies it as is (checked by the compiler in `kafka.bus.ts`).
 */
export interface KafkaClientLike {
  producer(config?: ProducerConfig): KafkaProducerLike;
  consumer(config: ConsumerConfig): KafkaConsumerLike;
  admin(): KafkaAdminLike;
}

export interface KafkaProducerLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
}

export interface KafkaConsumerLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: ConsumerSubscribeTopics): Promise<void>;
  run(config?: ConsumerRunConfig): Promise<void>;
  stop(): Promise<void>;
  on(eventName: 'consumer.crash', listener: (event: ConsumerCrashEvent) => void): unknown;
}

export interface KafkaAdminLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  createTopics(options: { validateOnly?: boolean; waitForLeaders?: boolean; timeout?: number; topics: ITopicConfig[] }): Promise<boolean>;
  fetchTopicOffsets(topic: string): Promise<Array<SeekEntry & { high: string; low: string }>>;
  fetchOffsets(options: { groupId: string; topics?: string[] }): Promise<Array<{ topic: string; partitions: FetchOffsetsPartition[] }>>;
  deleteGroups(groupIds: string[]): Promise<DeleteGroupsResult[]>;
}
