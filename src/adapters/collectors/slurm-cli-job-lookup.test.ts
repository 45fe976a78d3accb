import { describe, expect, it } from 'vitest';
import { partitionOfferFromScontrol } from './slurm-cli-job-lookup.ts';

describe('partitionOfferFromScontrol', () => {
  it('partitionOffer_realSlurm2205Line_readsNameStateLimitAccountsAndTresGpus', () => {
    // Shape of `scontrol show partition -o` on Slurm 22.05 (trimmed), with accounting tracking gres/gpu.
    const line =
      'PartitionName=a100 AllowGroups=ALL AllowAccounts=lab1,lab2 AllowQos=ALL Default=NO MaxTime=2-00:00:00 State=UP TotalCPUs=64 TRES=cpu=64,mem=500G,node=2,billing=64,gres/gpu=8';

    expect(partitionOfferFromScontrol(line)).toEqual({
      name: 'a100',
      gpus: 8,
      maxTimeSeconds: 2 * 86_400,
      up: true,
      allowAccounts: ['lab1', 'lab2'],
    });
  });

  it('partitionOffer_unlimitedDownPartitionWithoutGpuTres_isNoGpusNoLimitNotUp', () => {
    const line =
      'PartitionName=debug AllowAccounts=ALL MaxTime=UNLIMITED State=DOWN TRES=cpu=8,mem=1000M,node=1,billing=8';

    expect(partitionOfferFromScontrol(line)).toEqual({
      name: 'debug',
      gpus: 0,
      maxTimeSeconds: null,
      up: false,
      allowAccounts: null,
    });
  });

  it('partitionOffer_lineWithoutAName_isNull', () => {
    expect(partitionOfferFromScontrol('')).toBeNull();
    expect(partitionOfferFromScontrol('No partitions in the system')).toBeNull();
  });
});
