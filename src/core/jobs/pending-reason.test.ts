import { describe, expect, it } from 'vitest';
import { PENDING_REASONS, pendingReasonText } from './pending-reason.ts';

describe('pendingReasonText', () => {
  it.each([
    ['Priority', /higher priority/, 'queue'],
    ['Resources', /free resources/, 'queue'],
    ['QOSMaxGRESPerUser', /as many GPUs .* your QOS allows one user/, 'user'],
    ['Dependency', /depends on/, 'user'],
    ['JobHeldUser', /held by its owner.*scontrol release/, 'user'],
    ['JobHeldAdmin', /administrator is holding it/, 'admin'],
    ['ReqNodeNotAvail', /node it needs is unavailable/, 'admin'],
  ])('pendingReasonText_%s_isExplainedInPlainWords', (code, words, actor) => {
    const text = pendingReasonText(code);

    expect(text?.code).toBe(code);
    expect(text?.words).toMatch(words);
    expect(text?.actor).toBe(actor);
    expect(text?.known).toBe(true);
  });

  it('pendingReasonText_anyCase_findsTheCanonicalCode', () => {
    expect(pendingReasonText(' jobhelduser ')?.code).toBe('JobHeldUser');
  });

  it('pendingReasonText_noneOrEmpty_isNull', () => {
    expect(pendingReasonText('None')).toBeNull();
    expect(pendingReasonText('')).toBeNull();
    expect(pendingReasonText(null)).toBeNull();
    expect(pendingReasonText(undefined)).toBeNull();
  });

  it('pendingReasonText_unknownCode_isShownAsGivenNotGuessed', () => {
    const text = pendingReasonText('MaxMemPerLimit');

    expect(text).toEqual({
      code: 'MaxMemPerLimit',
      words: "the scheduler's reason is 'MaxMemPerLimit'",
      actor: 'queue',
      known: false,
    });
  });

  it('PENDING_REASONS_everyEntry_isOneSentenceWithoutATrailingPeriod', () => {
    for (const [code, entry] of Object.entries(PENDING_REASONS)) {
      expect(entry.words.length, code).toBeGreaterThan(10);
      expect(entry.words.endsWith('.'), code).toBe(false);
    }
  });
});
