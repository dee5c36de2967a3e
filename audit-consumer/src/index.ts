// Public API of @palisade/audit-consumer: the Kafka consumer that writes ledgers, the ledger HTTP server, and the verify state kept between runs.
// The ledger itself (tile logs, keys, content, verification) is @palisade/ledger.
export {
  startConsumer,
  type ConsumerCounters,
  type ConsumerHandle,
  type ConsumerOptions,
  type ConsumerStatus,
} from './kafka-consumer.js';
export { consumerConfigSchema, loadConsumerConfig, parseConsumerConfig, type ConsumerConfig, type LogLevel } from './consumer-config.js';
export { kafkaLevel, kafkaLogCreator } from './kafka-log.js';
export { startLedgerServer, type LedgerServer, type LedgerServerOptions } from './ledger-server.js';
export { loadVerifyState, saveVerifyState } from './verify-state.js';
