import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/errors.ts';
import { featureRequest, parseCsv, sha256Hex } from './load-feature-table.ts';

describe('featureRequest', () => {
  it('defaults from the header, keeps set names, splits lists, and treats a set-like typo as a set', () => {
    const requests = [
      featureRequest(undefined, ['job_type', 'start_epoch_ms', 'total_pending_y']),
      featureRequest('queue-state+dcgm', []),
      featureRequest('pending_ratio, running_gpus,', []),
      featureRequest('queue-stat', []),
      featureRequest('pending_ratio', []),
    ];

    expect(requests).toEqual([
      'queue-state+job-type',
      'queue-state+dcgm',
      ['pending_ratio', 'running_gpus'],
      'queue-stat',
      ['pending_ratio'],
    ]);
  });
});

describe('parseCsv', () => {
  it('keeps a blank line inside the file as a one-cell record (so row numbers stay true) and drops trailing blank lines', () => {
    const records = parseCsv('\uFEFFa,b\r\n1,2\n\n3,4\n\n\n', 'x.csv');

    expect(records).toEqual([['a', 'b'], ['1', '2'], [''], ['3', '4']]);
  });

  it('turns a syntax error into one line naming the file', () => {
    expect(() => parseCsv('a,b\n"1,2\n', 'x.csv')).toThrow(InvalidInputError);
    expect(() => parseCsv('a,b\n"1,2\n', 'x.csv')).toThrow(/^x\.csv: not valid CSV: Quote Not Closed: [^\n]*$/);
  });
});

describe('sha256Hex', () => {
  it('matches the published SHA-256 of "abc" (FIPS 180-2, appendix B.1)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
