import { describe, expect, it } from 'vitest';
import { runVgac as vgac, type VgacRun as Run } from '../../../test/support/run-vgac.ts';
import { COMMANDS } from './main.ts';

const names = Object.keys(COMMANDS);

/** The lines of a help text's options list: after the line `options:`, up to the first blank line. */
function optionsSection(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => line.trim() === 'options:');
  if (start === -1) return [];
  const end = lines.findIndex((line, index) => index > start && line.trim() === '');
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

describe('vgac command help', () => {
  it('main lists every command with a summary that starts with a capital letter', async () => {
    const summaries = await Promise.all(names.map(async (name) => (await (COMMANDS[name] as () => Promise<{ summary: string }>)()).summary));

    expect(names.length).toBeGreaterThan(0);
    for (const summary of summaries) expect(summary).toMatch(/^\p{Lu}/u);
  });

  it('main: every `vgac <command> --help` exits 0 and describes every option its parseArgs accepts', async () => {
    const commands = await Promise.all(names.map(async (name) => ({ name, command: await (COMMANDS[name] as () => ReturnType<NonNullable<(typeof COMMANDS)[string]>>)() })));

    const runs = await Promise.all(names.map((name) => vgac(name, '--help')));

    commands.forEach(({ name, command }, index) => {
      const run = runs[index] as Run;
      expect(run.code, `vgac ${name} --help: ${run.stderr}`).toBe(0);
      const optionsList = optionsSection(run.stdout);
      for (const [option, config] of Object.entries(command.options)) {
        // Described: named in the options list, not only in the usage line (`--data` does not count for `--data-dir`).
        const described = optionsList.some((line) => new RegExp(`(^|\\s)--${option}(?![\\w-])`).test(line));
        expect(described, `vgac ${name} --help describes --${option}`).toBe(true);
        if (config.short !== undefined) expect(run.stdout, `vgac ${name} --help names -${config.short}`).toContain(`-${config.short}, --${option}`);
      }
    });
  }, 120_000);
});
