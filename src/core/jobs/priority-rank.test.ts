import { describe, expect, it } from 'vitest';
import { byPriority, priorityRank } from './priority-rank.ts';

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

describe('byPriority', () => {
  const job = (jobId: string, priority: number | null) => ({ jobId, partition: 'gpu', pending: true, priority });

  it('byPriority_ordersHighestFirst_tiesByNumericJobId_unknownLast', () => {
    const jobs = [job('9', 5), job('100', 7), job('10', 5), job('8', null), job('7', 0), job('11', 7)];

    const ordered = byPriority(jobs).map((entry) => entry.jobId);

    // By hand: 7 → {11, 100} by number (not text: '100' < '11'), 5 → {9, 10}, 0 → 7, null → 8.
    expect(ordered).toEqual(['11', '100', '9', '10', '7', '8']);
    expect(jobs.map((entry) => entry.jobId)).toEqual(['9', '100', '10', '8', '7', '11']);
  });

  it('byPriority_nonNumericIdsWithEqualPriority_fallBackToTextOrder', () => {
    const forward = byPriority([job('12_1', 1), job('12_3', 1), job('12_1', 1), job('4', null), job('3', null)]);
    const backward = byPriority([job('12_3', 1), job('12_1', 1), job('12_2', 1)]);

    expect(forward.map((entry) => entry.jobId)).toEqual(['12_1', '12_1', '12_3', '3', '4']);
    expect(backward.map((entry) => entry.jobId)).toEqual(['12_1', '12_2', '12_3']);
  });
});
