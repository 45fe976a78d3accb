import { describe, it, expect } from 'vitest';
import { loadConfig } from '../../config.ts';
import { liveSlurmSource } from './start.ts';

describe('liveSlurmSource', () => {
  it('liveSlurmSource captures nothing live by default or with --collector sim', () => {
    const config = loadConfig({});

    expect(liveSlurmSource(undefined, config)).toBeUndefined();
    expect(liveSlurmSource('sim', loadConfig({ VGAC_COLLECTOR: 'slurm-cli' }))).toBeUndefined();
  });

  it('liveSlurmSource picks slurmrestd when its URL is configured, else the client commands', () => {
    const rest = loadConfig({ VGAC_SLURMRESTD_URL: 'http://127.0.0.1:6820' });

    expect(liveSlurmSource('slurm', rest)).toBe('slurmrestd');
    expect(liveSlurmSource('slurm', loadConfig({}))).toBe('slurm-cli');
  });

  it('liveSlurmSource follows VGAC_COLLECTOR without the flag and refuses an unknown flag', () => {
    expect(liveSlurmSource(undefined, loadConfig({ VGAC_COLLECTOR: 'slurm-cli' }))).toBe('slurm-cli');
    expect(() => liveSlurmSource('kafka', loadConfig({}))).toThrow(/--collector must be 'sim' or 'slurm', got 'kafka'/);
  });
});
