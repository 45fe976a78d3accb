import { describe, expect, it } from 'vitest';
import { MemoryBundleStore } from '../../adapters/memory/memory-bundle-store.ts';
import { memoryLearningStores, MemoryTables } from '../../adapters/memory/memory-tables.ts';
import { DEFAULT_GATE_CONFIG } from '../../core/gating/gate-config.ts';
import { syntheticBundle } from '../../../test/support/learning-fixtures.ts';
import { FOLDED_JOB_KEYS_KEPT, foldPendingOutcomes, foldedJobKey } from './fold-pending-outcomes.ts';
import { createLearningDeps, sha256Hex } from './learning-deps.ts';
import { predictJob } from './predict-job.ts';
import { registerCluster } from './register-cluster.ts';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function cluster() {
  const tables = new MemoryTables();
  const deps = createLearningDeps({
    ...memoryLearningStores(tables),
    bundles: new MemoryBundleStore(),
    gate: DEFAULT_GATE_CONFIG,
    logger: quiet,
  });
  await registerCluster(deps, { clusterId: 'c', prior: syntheticBundle(-2, 'prior'), platform: 'slurm', nowMs: 0 });
  return { tables, deps };
}

describe('foldedJobKey', () => {
  it("is the first 16 hex digits of the id's SHA-256", () => {
    // python3 -c "import hashlib; print(hashlib.sha256(b'job-1').hexdigest()[:16])"
    expect(foldedJobKey('job-1', sha256Hex)).toBe('026ab639c21df8aa');
  });
});

describe('foldPendingOutcomes', () => {
  it('drops an outcome that reaches the inbox again after it was folded, counting it as already folded', async () => {
    const { tables, deps } = await cluster();
    await predictJob(deps, { clusterId: 'c', jobId: 'job-1', features: { x: 0.3 }, nowMs: 1000, logDecision: false });
    await deps.predictions.recordOutcome('c', 'job-1', { waitSeconds: 900, longWait: true, observedAtMs: 2000 });
    const queued = await deps.learning.pending('c', 10);
    await foldPendingOutcomes(deps, { clusterId: 'c', nowMs: 2500 });
    const afterFirst = await deps.learning.load('c');
    // A retried delivery that raced the acknowledgement: the same pending outcome queued again.
    for (const pending of queued)
      tables
        .partition('c')
        .inbox.set(`${String(pending.outcome.observedAtMs).padStart(16, '0')}#${pending.jobId}`, pending);

    const summary = await foldPendingOutcomes(deps, { clusterId: 'c', nowMs: 3000 });

    expect(queued.map((pending) => pending.jobId)).toEqual(['job-1']);
    expect(afterFirst?.state.outcomes).toBe(1);
    expect(summary).toMatchObject({ folded: 0, alreadyFolded: 1, ending: 'done' });
    const afterAgain = await deps.learning.load('c');
    expect(afterAgain?.state.outcomes).toBe(afterFirst?.state.outcomes);
    expect(afterAgain?.foldedJobKeys).toEqual([foldedJobKey('job-1', sha256Hex)]);
    expect(await deps.learning.pending('c', 10)).toEqual([]);
  });

  it('remembers at most FOLDED_JOB_KEYS_KEPT keys, the newest', async () => {
    const { deps } = await cluster();
    const count = FOLDED_JOB_KEYS_KEPT + 5;
    for (let index = 0; index < count; index += 1) {
      await predictJob(deps, {
        clusterId: 'c',
        jobId: `job-${index}`,
        features: { x: 0 },
        nowMs: index,
        logDecision: false,
      });
      await deps.predictions.recordOutcome('c', `job-${index}`, {
        waitSeconds: 10,
        longWait: false,
        observedAtMs: index + 1,
      });
    }

    await foldPendingOutcomes(deps, { clusterId: 'c', nowMs: count + 1 });

    const keys = (await deps.learning.load('c'))?.foldedJobKeys ?? [];
    expect(keys).toHaveLength(FOLDED_JOB_KEYS_KEPT);
    expect(keys[0]).toBe(foldedJobKey('job-5', sha256Hex));
    expect(keys.at(-1)).toBe(foldedJobKey(`job-${count - 1}`, sha256Hex));
  });
});
