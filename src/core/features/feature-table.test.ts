import { describe, expect, it } from 'vitest';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { buildFeatureTable, selectRows } from './feature-table.ts';

const QUEUE_STATE = [
  'pending_ratio',
  'queue_depth_norm',
  'fragmentation_score',
  'congestion_score',
  'pending_gpus',
  'total_pending',
  'running_gpus',
  'gpu_nodes_alloc',
  'gpu_nodes_total',
];
const HEADER = [...QUEUE_STATE, 'label_long_wait', 'raw_score'];

function dataRow(values: { readonly pendingGpus?: string; readonly label?: string } = {}): string[] {
  return ['0.25', '12', '0.3', '0.4', values.pendingGpus ?? '4', '1', '3', '1', '2', values.label ?? '0', '0.5'];
}

const ROWS = [dataRow({ label: '1' }), dataRow(), dataRow({ pendingGpus: '7' })];
const OPTIONS = { source: 'eks_dec_sample.csv', featureSet: 'queue-state', requireLabel: true } as const;

function failure(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('buildFeatureTable', () => {
  it('reads the numeric cells, labels and no waits from an EKS-shaped file', () => {
    const table = buildFeatureTable(HEADER, ROWS, OPTIONS);

    expect(table.numericFeatures).toEqual(QUEUE_STATE);
    expect(table.rows[2]).toEqual([0.25, 12, 0.3, 0.4, 7, 1, 3, 1, 2]);
    expect(Array.from(table.labels ?? [])).toEqual([1, 0, 0]);
    expect(table.waitsSeconds).toBeNull();
    expect(table.labelThresholdSeconds).toBeNull();
  });

  it('names file, row, file line and column for a non-numeric cell', () => {
    const rows = [...ROWS.slice(0, 2), dataRow({ pendingGpus: 'abc' })];

    const error = failure(() => buildFeatureTable(HEADER, rows, OPTIONS));

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe("eks_dec_sample.csv: row 3 (file line 4), column pending_gpus: 'abc' is not a number");
  });

  it.each([
    ['NaN', "'NaN' is not a finite number"],
    ['Infinity', "'Infinity' is not a finite number"],
    ['-inf', "'-inf' is not a finite number"],
    ['1e400', "'1e400' is not a finite number"],
    ['0x10', "'0x10' is not a number"],
    ['', 'empty cell'],
    ['  ', 'empty cell'],
  ])('refuses the cell %j', (cell, reason) => {
    const error = failure(() =>
      buildFeatureTable(HEADER, [dataRow({ pendingGpus: cell }), dataRow({ label: '1' })], OPTIONS),
    );

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(`eks_dec_sample.csv: row 1 (file line 2), column pending_gpus: ${reason}`);
  });

  it('accepts decimal forms a CSV writer produces', () => {
    const cells = ['1.', '.5', '-2', '+3', '1e-3', ' 4 '];

    const values = cells.map(
      (cell) =>
        buildFeatureTable(HEADER, [dataRow({ pendingGpus: cell }), dataRow({ label: '1' })], OPTIONS).rows[0]?.[4],
    );

    expect(values).toEqual([1, 0.5, -2, 3, 0.001, 4]);
  });

  it('refuses a label other than 0/1', () => {
    const error = failure(() => buildFeatureTable(HEADER, [dataRow({ label: '2' }), dataRow({ label: '1' })], OPTIONS));

    expect(error.message).toBe(
      "eks_dec_sample.csv: row 1 (file line 2), column label_long_wait: '2' is not a 0/1 label",
    );
  });

  it('refuses one class only with InsufficientDataError', () => {
    const onlyShort = failure(() => buildFeatureTable(HEADER, [dataRow(), dataRow()], OPTIONS));
    const onlyLong = failure(() => buildFeatureTable(HEADER, [dataRow({ label: '1' })], OPTIONS));

    expect(onlyShort).toBeInstanceOf(InsufficientDataError);
    expect(onlyShort.message).toBe(
      'eks_dec_sample.csv: column label_long_wait has only class 0 in 2 rows; training needs both classes',
    );
    expect(onlyLong.message).toBe(
      'eks_dec_sample.csv: column label_long_wait has only class 1 in 1 rows; training needs both classes',
    );
  });

  it('shortens a long bad cell to one readable line', () => {
    const cell = `${'x'.repeat(30)}\n${'y'.repeat(30)}`;

    const error = failure(() =>
      buildFeatureTable(HEADER, [dataRow({ pendingGpus: cell }), dataRow({ label: '1' })], OPTIONS),
    );

    expect(error.message).toBe(
      `eks_dec_sample.csv: row 1 (file line 2), column pending_gpus: '${'x'.repeat(30)} ${'y'.repeat(9)}…' is not a number`,
    );
  });

  it('allows one class when no label is required', () => {
    const table = buildFeatureTable(HEADER, [dataRow({ label: '1' })], { ...OPTIONS, requireLabel: false });

    expect(Array.from(table.labels ?? [])).toEqual([1]);
  });

  it('has null labels when the file has none and none is required', () => {
    const header = QUEUE_STATE;
    const rows = [dataRow().slice(0, 9)];

    const table = buildFeatureTable(header, rows, { ...OPTIONS, requireLabel: false });

    expect(table.labels).toBeNull();
  });

  it.each([
    [[], [], 'eks_dec_sample.csv: file is empty'],
    [[''], [], 'eks_dec_sample.csv: file is empty'],
    [HEADER, [], 'eks_dec_sample.csv: no data rows after the header'],
    [
      HEADER.filter((name) => name !== 'running_gpus'),
      [dataRow().slice(1)],
      "eks_dec_sample.csv: missing column 'running_gpus'",
    ],
    [QUEUE_STATE, [dataRow().slice(0, 9)], "eks_dec_sample.csv: missing column 'label_long_wait'"],
    [
      [...HEADER, 'pending_ratio'],
      [[...dataRow(), '1']],
      "eks_dec_sample.csv: column 'pending_ratio' appears twice in the header",
    ],
    [HEADER, [dataRow(), ['0.1', '2']], 'eks_dec_sample.csv: row 2 (file line 3) has 2 cells; the header has 11'],
  ])('refuses a malformed file (%#)', (header, rows, message) => {
    const error = failure(() => buildFeatureTable(header, rows, OPTIONS));

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(message);
  });

  it('refuses a forbidden feature before reading any cell', () => {
    const error = failure(() => buildFeatureTable(HEADER, ROWS, { ...OPTIONS, featureSet: ['raw_score'] }));

    expect(error.message).toContain("feature 'raw_score' is not allowed");
  });

  describe('on the full Slurm dataset layout', () => {
    const header = [
      'job_id',
      'total_pending_x',
      'job_type',
      'wait_seconds',
      'label_long_wait',
      'wait_threshold_p90',
      'pending_ratio',
      'total_pending_y',
    ];
    const rows = [
      ['1', '9', 'burst', '18.0', '0', '133.0', '0.5', '7'],
      ['2', '9', '', '329.0', '1', '133.0', '0.25', '8'],
    ];

    it('reads canonical features from the _y snapshot, keeps an empty job_type as empty, and reads waits and threshold', () => {
      const table = buildFeatureTable(header, rows, {
        source: 'slurm.csv',
        featureSet: ['pending_ratio', 'total_pending', 'job_type'],
        requireLabel: true,
      });

      expect(table.rows).toEqual([
        [0.5, 7],
        [0.25, 8],
      ]);
      expect(table.categorical).toEqual([['burst'], ['']]);
      expect(Array.from(table.waitsSeconds ?? [])).toEqual([18, 329]);
      expect(table.labelThresholdSeconds).toBe(133);
    });

    it('refuses a negative wait', () => {
      const bad = [rows[0] ?? [], ['2', '9', 'long', '-1', '1', '133.0', '0.25', '8']];

      const error = failure(() =>
        buildFeatureTable(header, bad, { source: 'slurm.csv', featureSet: ['pending_ratio'], requireLabel: true }),
      );

      expect(error.message).toBe('slurm.csv: row 2 (file line 3), column wait_seconds: -1 is negative');
    });
  });
});

describe('selectRows', () => {
  it('keeps the chosen rows in the order given, with their labels', () => {
    const table = buildFeatureTable(HEADER, ROWS, OPTIONS);

    const subset = selectRows(table, [2, 0]);

    expect(subset.rows.map((row) => row[4])).toEqual([7, 4]);
    expect(Array.from(subset.labels ?? [])).toEqual([0, 1]);
  });

  it('refuses an index outside the table', () => {
    const table = buildFeatureTable(HEADER, ROWS, OPTIONS);

    expect(() => selectRows(table, [3])).toThrow('row index 3 is out of range');
    expect(() => selectRows(table, [-1])).toThrow('row index -1 is out of range');
  });

  it('keeps absent labels absent', () => {
    const table = buildFeatureTable(QUEUE_STATE, [dataRow().slice(0, 9), dataRow({ pendingGpus: '9' }).slice(0, 9)], {
      ...OPTIONS,
      requireLabel: false,
    });

    const subset = selectRows(table, [1]);

    expect(subset.labels).toBeNull();
    expect(subset.rows).toEqual([[0.25, 12, 0.3, 0.4, 9, 1, 3, 1, 2]]);
  });
});
