import { describe, expect, it } from 'vitest';
import { SNS_SUBJECT_MAX_CHARS, snsSubject } from './sns-notifier.ts';

describe('snsSubject', () => {
  it('replaces line breaks and non-ASCII characters, and trims', () => {
    expect(snsSubject('  VGAC c1: scope learning → autonomous\nsecond line ')).toBe(
      'VGAC c1: scope learning ? autonomous second line',
    );
  });

  it('cuts a long subject to 100 characters ending in an ellipsis', () => {
    const subject = snsSubject('x'.repeat(150));

    expect(subject).toHaveLength(SNS_SUBJECT_MAX_CHARS);
    expect(subject.endsWith('...')).toBe(true);
    expect(snsSubject('y'.repeat(100))).toBe('y'.repeat(100));
  });

  it('never sends an empty subject', () => {
    expect(snsSubject(' \n ')).toBe('VGAC notice');
  });
});
