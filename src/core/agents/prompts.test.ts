import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionScope } from '../gating/gate-config.ts';
import {
  compactDuration,
  EXPLAIN_SYSTEM_PROMPT,
  PREDICTION_PROMPT_MAX_TOKENS,
  predictionPrompt,
  PROMPT_CLUSTER_ID_CHARACTERS,
  promptTokens,
  QUESTION_MAX_CHARACTERS,
  QUESTION_PROMPT_MAX_TOKENS,
  questionPrompt,
  type PromptFacts,
} from './prompts.ts';

const typical: PromptFacts = {
  clusterId: 'c',
  queuedJobs: 12,
  utilisationPercent: 78.4,
  requestedGpus: 4,
  probability: 0.621,
  waitPointSeconds: 1500,
  waitLowerSeconds: 720,
  waitUpperSeconds: 2460,
  scope: ActionScope.notify,
};

const anyNumber = fc.oneof(fc.double(), fc.integer({ min: -1e12, max: 1e12 }), fc.constant(Number.NaN));
const anyFacts = fc.record({
  clusterId: fc.string({ minLength: 1, maxLength: 128 }),
  queuedJobs: anyNumber,
  utilisationPercent: anyNumber,
  requestedGpus: anyNumber,
  probability: anyNumber,
  waitPointSeconds: fc.option(anyNumber),
  waitLowerSeconds: fc.option(anyNumber),
  waitUpperSeconds: fc.option(anyNumber),
  scope: fc.constantFrom(...Object.values(ActionScope)),
});

describe('predictionPrompt', () => {
  it('reads like the seed example', () => {
    const prompt = predictionPrompt(typical);

    expect(prompt).toBe(
      'Cluster c: 12 queued, 78% util. 4-GPU job: P(long)=0.62, ~25m (12m-41m), notify. Explain wait.',
    );
  });

  it(`stays within ${PREDICTION_PROMPT_MAX_TOKENS} estimated input tokens (ceil(chars/4), system prompt included) for any facts`, () => {
    fc.assert(
      fc.property(anyFacts, (facts) => {
        const tokens = Math.ceil(EXPLAIN_SYSTEM_PROMPT.length / 4) + Math.ceil(predictionPrompt(facts).length / 4);
        expect(tokens).toBeLessThanOrEqual(PREDICTION_PROMPT_MAX_TOKENS);
        expect(promptTokens(EXPLAIN_SYSTEM_PROMPT, predictionPrompt(facts))).toBe(tokens);
      }),
      { numRuns: 500 },
    );
  });

  it(`a copilot question stays within ${QUESTION_PROMPT_MAX_TOKENS} tokens however long the question`, () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), anyFacts, (question, facts) => {
        expect(
          Math.ceil(EXPLAIN_SYSTEM_PROMPT.length / 4) + Math.ceil(questionPrompt(question, facts).length / 4),
        ).toBeLessThanOrEqual(QUESTION_PROMPT_MAX_TOKENS);
      }),
      { numRuns: 300 },
    );
  });
});

describe('compactDuration', () => {
  it.each([
    [0, '0s'],
    [59.4, '59s'],
    [60, '1m'],
    [1500, '25m'],
    [3599, '60m'],
    [3600, '1.0h'],
    [12_600, '3.5h'],
    [172_800, '2d'],
    [1e12, '999d'],
    [-1, '?'],
    [Number.NaN, '?'],
  ])('%d s → %s', (seconds, text) => {
    expect(compactDuration(seconds)).toBe(text);
  });

  it('cuts a cluster id longer than PROMPT_CLUSTER_ID_CHARACTERS and a question longer than QUESTION_MAX_CHARACTERS with an ellipsis', () => {
    const prompt = predictionPrompt({ ...typical, clusterId: 'a'.repeat(PROMPT_CLUSTER_ID_CHARACTERS + 6) });
    const question = questionPrompt('q'.repeat(QUESTION_MAX_CHARACTERS + 40), typical);

    expect(prompt.startsWith(`Cluster ${'a'.repeat(PROMPT_CLUSTER_ID_CHARACTERS - 1)}…: 12 queued`)).toBe(true);
    expect(question.startsWith(`Q: ${'q'.repeat(QUESTION_MAX_CHARACTERS - 1)}… | Cluster c: 12 queued`)).toBe(true);
  });
});
