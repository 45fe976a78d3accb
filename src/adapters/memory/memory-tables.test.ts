import { describeLearningStoreContracts } from '../../../test/support/learning-store-contracts.ts';
import { MemoryClusterRegistry, MemoryLearningStateStore, MemoryPredictionLog, MemoryTables } from './memory-tables.ts';

const tables = new MemoryTables();
const stores = {
  predictions: new MemoryPredictionLog(tables),
  learning: new MemoryLearningStateStore(tables),
  registry: new MemoryClusterRegistry(tables),
};

describeLearningStoreContracts('memory doubles', () => stores);
