import { describeJobSubscriptionStoreContract } from '../../../test/support/job-subscription-store-contracts.ts';
import { MemoryJobSubscriptionStore } from './memory-job-subscription-store.ts';

const store = new MemoryJobSubscriptionStore();
describeJobSubscriptionStoreContract('memory', () => store);
