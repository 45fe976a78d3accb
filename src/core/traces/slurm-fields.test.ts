import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import {
  parseSlurmGpuCount,
  parseSlurmMemoryMb,
  parseSlurmTimelimitSeconds,
  parseSlurmTimestampSeconds,
  parseSlurmTres,
} from './slurm-fields.ts';

describe('parseSlurmTimestampSeconds', () => {
  it('parseSlurmTimestampSeconds reads the wall-clock time as UTC', () => {
    // `date -u -d '2024-02-29T23:59:59Z' +%s` = 1709251199 (a leap day)
    expect(parseSlurmTimestampSeconds('2024-02-29T23:59:59')).toBe(1_709_251_199);
    // `date -u -d '1970-01-01T00:00:00Z' +%s` = 0
    expect(parseSlurmTimestampSeconds('1970-01-01T00:00:00')).toBe(0);
  });

  it('parseSlurmTimestampSeconds maps Unknown, None and empty to null', () => {
    expect([
      parseSlurmTimestampSeconds('Unknown'),
      parseSlurmTimestampSeconds('None'),
      parseSlurmTimestampSeconds(''),
    ]).toEqual([null, null, null]);
  });

  it('parseSlurmTimestampSeconds refuses other text and impossible dates', () => {
    for (const text of [
      '2024-03-04 08:00:00',
      '2024-3-4T08:00:00',
      'now',
      '2024-04-31T00:00:00',
      '2023-02-29T00:00:00',
      '2024-13-01T00:00:00',
      '2024-03-04T24:00:00',
      '2024-03-04T08:60:00',
      '2024-03-04T08:00:60',
    ]) {
      expect(() => parseSlurmTimestampSeconds(text), text).toThrow(InvalidInputError);
    }
  });
});

describe('parseSlurmTimelimitSeconds', () => {
  it('parseSlurmTimelimitSeconds reads every Slurm form', () => {
    const cases: [string, number][] = [
      ['30', 30 * 60],
      ['15:00', 15 * 60],
      ['5:30', 5 * 60 + 30],
      ['02:00:00', 2 * 3600],
      ['1:02:03', 3600 + 2 * 60 + 3],
      ['1-12', 86_400 + 12 * 3600],
      ['1-06:30', 86_400 + 6 * 3600 + 30 * 60],
      ['2-00:00:00', 2 * 86_400],
      ['0-00:00:45', 45],
    ];

    for (const [text, seconds] of cases) expect(parseSlurmTimelimitSeconds(text), text).toBe(seconds);
  });

  it('parseSlurmTimelimitSeconds maps UNLIMITED, Partition_Limit and empty to null', () => {
    expect(['UNLIMITED', 'Partition_Limit', ''].map(parseSlurmTimelimitSeconds)).toEqual([null, null, null]);
  });

  it('parseSlurmTimelimitSeconds refuses other text', () => {
    for (const text of ['1:2:3:4', 'x-01:00', '1h', '1-1-1', ':30', '-5']) {
      expect(() => parseSlurmTimelimitSeconds(text), text).toThrow(/time limit not understood/);
    }
  });
});

describe('parseSlurmMemoryMb', () => {
  it('parseSlurmMemoryMb converts units with binary multiples, MB by default', () => {
    expect(parseSlurmMemoryMb('4000M', 1, 1)).toBe(4000);
    expect(parseSlurmMemoryMb('4000', 1, 1)).toBe(4000);
    expect(parseSlurmMemoryMb('16G', 1, 1)).toBe(16_384);
    expect(parseSlurmMemoryMb('2048K', 1, 1)).toBe(2);
    expect(parseSlurmMemoryMb('1T', 1, 1)).toBe(1_048_576);
    expect(parseSlurmMemoryMb('1P', 1, 1)).toBe(1_073_741_824);
    expect(parseSlurmMemoryMb('1.5g', 1, 1)).toBe(1536);
  });

  it('parseSlurmMemoryMb multiplies per-CPU by CPUs and per-node by nodes', () => {
    expect(parseSlurmMemoryMb('4000Mc', 8, 2)).toBe(32_000);
    expect(parseSlurmMemoryMb('64Gn', 8, 2)).toBe(131_072);
  });

  it('parseSlurmMemoryMb maps 0 (whole node) and empty to null', () => {
    expect([parseSlurmMemoryMb('0', 1, 1), parseSlurmMemoryMb('0n', 4, 1), parseSlurmMemoryMb('', 1, 1)]).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('parseSlurmMemoryMb refuses other text', () => {
    for (const text of ['lots', '16GB', '-4G', '4X'])
      expect(() => parseSlurmMemoryMb(text, 1, 1), text).toThrow(/memory not understood/);
  });
});

describe('parseSlurmTres', () => {
  it('parseSlurmTres reads cpus, memory, nodes and a generic GPU count', () => {
    expect(parseSlurmTres('billing=16,cpu=16,gres/gpu=4,mem=64G,node=1')).toEqual({
      cpus: 16,
      memoryMb: 65_536,
      nodes: 1,
      gpus: 4,
    });
  });

  it('parseSlurmTres prefers the generic GPU total over the typed entries Slurm lists beside it', () => {
    expect(parseSlurmTres('gres/gpu:a100=2,gres/gpu=2').gpus).toBe(2);
  });

  it('parseSlurmTres sums typed GPU entries when no generic total is given', () => {
    expect(parseSlurmTres('cpu=4,gres/gpu:a100=1,gres/gpu:t4=2').gpus).toBe(3);
  });

  it('parseSlurmTres ignores unknown keys and reads an empty string as no request', () => {
    expect(parseSlurmTres('billing=3,license/matlab=1,gres/shard=4')).toEqual({
      cpus: null,
      memoryMb: null,
      nodes: null,
      gpus: 0,
    });
    expect(parseSlurmTres('')).toEqual({ cpus: null, memoryMb: null, nodes: null, gpus: 0 });
  });

  it('parseSlurmTres reads gres-syntax items beside key=value ones', () => {
    // Slurm's older gres syntax (sbatch(1) --gres "name[[:type]:count]", squeue tres-per-node "gres:gpu:3").
    expect(parseSlurmTres('cpu=4,gres:gpu:3')).toEqual({ cpus: 4, memoryMb: null, nodes: null, gpus: 3 });
    expect(parseSlurmTres('cpu=4,gpu').gpus).toBe(1);
  });

  it('parseSlurmTres refuses items that are neither key=value nor gres entries, and counts that are not numbers', () => {
    expect(() => parseSlurmTres('cpu=4,gres:gpu:a100:many')).toThrow("gres count not understood: 'gres:gpu:a100:many'");
    expect(() => parseSlurmTres('cpu=4,gpu:a:b:c')).toThrow("gres item not understood: 'gpu:a:b:c'");
    expect(() => parseSlurmTres('=4')).toThrow("TRES item not understood: '=4'");
    expect(() => parseSlurmTres('gres/gpu=many')).toThrow("gres count not understood: 'gres/gpu=many'");
    expect(() => parseSlurmTres('node=')).toThrow("TRES count not understood: 'node='");
    expect(() => parseSlurmTres('cpu=-1')).toThrow("TRES count not understood: 'cpu=-1'");
  });
});

describe('parseSlurmGpuCount', () => {
  it('parseSlurmGpuCount_readsTheDocumentedTresAndGresSpellings', () => {
    // Forms from sbatch(1) --gres ("gpu:2", "gpu:kepler:2"), gres.html (node Gres "gpu:tesla:2,gpu:kepler:2",
    // TRES "gres/gpu"), squeue/scontrol TresPerNode ("gres:gpu:3", "gres:gpu:a100:2") and sinfo's socket detail.
    const cases: [string, number][] = [
      ['gres/gpu=2,gres/gpu:a100=2', 2],
      ['gres/gpu:a100=2,gres/gpu=2', 2],
      ['gres/gpu:a100=1,gres/gpu:t4=2', 3],
      ['billing=8,cpu=8,gres/gpu=4,mem=64G,node=1', 4],
      ['gres:gpu:3', 3],
      ['gres:gpu:a100:2', 2],
      ['gres/gpu:a100:2', 2],
      ['gpu:2', 2],
      ['gpu:kepler:2', 2],
      ['gpu:tesla:2,gpu:kepler:2', 4],
      ['gpu:a100:4(S:0-1)', 4],
      ['gres:gpu', 1],
      ['gpu:a100', 1],
      ['gres:gpu:2,gres:shard:5', 2],
      ['gpu:tesla:2,mps:400,bandwidth:lustre:4G', 2],
      ['gpu:1k', 1024],
      ['gres/shard=4,license/matlab=1', 0],
      ['cpu=4,mem=1G', 0],
      ['', 0],
      ['(null)', 0],
      ['N/A', 0],
    ];

    const results = cases.map(([text]) => parseSlurmGpuCount(text));

    expect(results).toEqual(cases.map(([, gpus]) => gpus));
  });

  it('parseSlurmGpuCount_refusesMalformedGpuItems', () => {
    expect(() => parseSlurmGpuCount('gres/gpu=')).toThrow("gres count not understood: 'gres/gpu='");
    expect(() => parseSlurmGpuCount('gpu:a100:two')).toThrow("gres count not understood: 'gpu:a100:two'");
    expect(() => parseSlurmGpuCount('gpu::2')).toThrow("gres item not understood: 'gpu::2'");
  });
});
