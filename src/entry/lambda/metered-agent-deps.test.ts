import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { ReasonerError } from '../../app/errors.ts';
import type { BudgetLedger, ReserveResult } from '../../app/ports/budget-ledger.ts';
import type { Escalation } from '../../app/records/escalation.ts';
import type { EscalationStore } from '../../app/ports/escalation-store.ts';
import type { Reasoner, ReasonerRequest } from '../../app/ports/reasoner.ts';
import { meteredEscalations, meteredLedger, meteredReasoner } from './metered-agent-deps.ts';

interface Added {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
}

/** A metrics sink that records what would go into the EMF document. */
function recordingSink(): { metrics: { addMetric(name: string, unit: string, value: number): void }; added: Added[] } {
  const added: Added[] = [];
  return { added, metrics: { addMetric: (name, unit, value) => void added.push({ name, unit, value }) } };
}

const CAPS = { componentMicroUsd: 10_000_000, totalMicroUsd: 200_000_000 };

/** A ledger that answers `reserve` from a script and records the calls it got. */
function scriptedLedger(answers: ReserveResult['status'][]): BudgetLedger & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    reserve(component, microUsd) {
      calls.push(`reserve ${component} ${microUsd}`);
      const status = answers.shift() ?? 'reserved';
      return Promise.resolve(
        status === 'reserved' ? { status } : { status, committedMicroUsd: 0, committedTotalMicroUsd: 0 },
      );
    },
    settle(component, delta) {
      calls.push(`settle ${component} ${delta}`);
      return Promise.resolve();
    },
    countCacheLookup: () => Promise.resolve(),
    snapshot: () => Promise.resolve({ committedTotalMicroUsd: 0, components: {}, cacheHits: 0, cacheMisses: 0 }),
  };
}

describe('meteredLedger', () => {
  it('meteredLedger emits the actual cost (reserved worst case + settled delta) in USD and nothing else, forwarding every call unchanged', async () => {
    const sink = recordingSink();
    const inner = scriptedLedger(['reserved']);
    const ledger = meteredLedger(inner, sink as never);

    await ledger.reserve('agentReasoning', 5_000, CAPS);
    await ledger.settle('agentReasoning', -3_800, { inputTokens: 400, outputTokens: 30 });

    // 5000 µUSD reserved − 3800 back = 1200 µUSD = 0.0012 USD.
    expect(sink.added).toEqual([{ name: 'ModelCostUsd', unit: MetricUnit.NoUnit, value: 0.0012 }]);
    expect(inner.calls).toEqual(['reserve agentReasoning 5000', 'settle agentReasoning -3800']);
  });

  it('meteredLedger pairs a settle with the latest reservation: a call that failed after reserving is not billed to the next one', async () => {
    const sink = recordingSink();
    const ledger = meteredLedger(scriptedLedger(['reserved', 'reserved']), sink as never);

    await ledger.reserve('agentReasoning', 9_000, CAPS); // the model call then throws: no settle
    await ledger.reserve('agentReasoning', 2_000, CAPS);
    await ledger.settle('agentReasoning', -500, { inputTokens: 10, outputTokens: 5 });

    expect(sink.added.filter((metric) => metric.name === 'ModelCostUsd').map((metric) => metric.value)).toEqual([
      0.0015,
    ]);
  });

  it('meteredLedger emits no cost for a settle without an open reservation, nor for a refused reservation', async () => {
    const sink = recordingSink();
    const ledger = meteredLedger(scriptedLedger(['refused']), sink as never);

    const refused = await ledger.reserve('agentReasoning', 7_000, CAPS);
    await ledger.settle('agentReasoning', 100, { inputTokens: 3, outputTokens: 4 });

    expect(refused.status).toBe('refused');
    expect(sink.added).toEqual([]);
  });
});

describe('meteredEscalations', () => {
  const escalation = { escalationId: 'e-1', clusterId: 'c-1' } as unknown as Escalation;

  function store(failCreate: boolean): EscalationStore & { created: string[] } {
    const created: string[] = [];
    return {
      created,
      create: (item) =>
        failCreate
          ? Promise.reject(new Error('conditional check failed'))
          : Promise.resolve(void created.push(item.escalationId)),
      get: () => Promise.resolve(undefined),
      transition: () => Promise.resolve({ status: 'conflict' } as never),
      list: () => Promise.resolve([]),
    };
  }

  it('meteredEscalations counts one Escalations per stored escalation', async () => {
    const sink = recordingSink();
    const inner = store(false);

    await meteredEscalations(inner, sink as never).create(escalation);

    expect(inner.created).toEqual(['e-1']);
    expect(sink.added).toEqual([{ name: 'Escalations', unit: MetricUnit.Count, value: 1 }]);
  });

  it('meteredEscalations counts nothing when the store refuses the escalation, and rethrows', async () => {
    const sink = recordingSink();

    const attempt = meteredEscalations(store(true), sink as never).create(escalation);

    await expect(attempt).rejects.toThrow('conditional check failed');
    expect(sink.added).toEqual([]);
  });
});

describe('meteredReasoner', () => {
  const request = {
    modelId: 'us.anthropic.claude-haiku-5-5',
    system: 's',
    prompt: 'p',
    maxOutputTokens: 10,
  } as unknown as ReasonerRequest;

  function reasoner(outcome: 'answer' | 'model failure' | 'bug'): Reasoner {
    return {
      kind: 'bedrock',
      reason: () => {
        if (outcome === 'answer')
          return Promise.resolve({
            status: 'answered',
            text: 'ok',
            modelId: 'm',
            usage: { inputTokens: 1, outputTokens: 1 },
            calls: 1,
            toolRequests: [],
          });
        return Promise.reject(
          outcome === 'model failure'
            ? new ReasonerError('gone', { errorClass: 'ResourceNotFoundException' })
            : new TypeError('bug'),
        );
      },
    };
  }

  it('meteredReasoner counts one ModelUnavailable per failed model exchange and rethrows the error', async () => {
    const sink = recordingSink();

    const attempt = meteredReasoner(reasoner('model failure'), sink as never).reason(request);

    await expect(attempt).rejects.toBeInstanceOf(ReasonerError);
    expect(sink.added).toEqual([{ name: 'ModelUnavailable', unit: MetricUnit.Count, value: 1 }]);
  });

  it('meteredReasoner counts nothing for an answer or for an error that is not a model failure, and keeps the kind', async () => {
    const sink = recordingSink();

    const answered = await meteredReasoner(reasoner('answer'), sink as never).reason(request);
    const bug = meteredReasoner(reasoner('bug'), sink as never).reason(request);

    await expect(bug).rejects.toBeInstanceOf(TypeError);
    expect(answered.status).toBe('answered');
    expect(meteredReasoner(reasoner('answer'), sink as never).kind).toBe('bedrock');
    expect(sink.added).toEqual([]);
  });
});
