import { describe, expect, it } from 'vitest';
import { priorityRank } from './priority-rank.ts';

describe('priorityRank', () => {
  const ordered = [
    { jobId: '10', partition: 'gpu', pending: false },
    { jobId: '11', partition: 'gpu', pending: true },
    { jobId: '12', partition: 'debug', pending: true },
    { jobId: '13', partition: 'gpu', pending: true },
    { jobId: '14', partition: 'gpu', pending: true },
  ];

  it('priorityRank_pendingJob_isItsPlaceAmongThePendingJobsOfItsPartition', () => {
    expect(priorityRank(ordered, '13', 'gpu')).toEqual({ position: 2, pendingInPartition: 3 });
    expect(priorityRank(ordered, '11', 'gpu')).toEqual({ position: 1, pendingInPartition: 3 });
    expect(priorityRank(ordered, '12', 'debug')).toEqual({ position: 1, pendingInPartition: 1 });
  });

  it('priorityRank_runningOrAbsentOrOtherPartition_isNull', () => {
    expect(priorityRank(ordered, '10', 'gpu')).toBeNull();
    expect(priorityRank(ordered, '99', 'gpu')).toBeNull();
    expect(priorityRank(ordered, '12', 'gpu')).toBeNull();
  });
});
