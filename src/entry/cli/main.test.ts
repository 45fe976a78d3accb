import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, runVgac as vgac, type VgacRun as Run } from '../../../test/support/run-vgac.ts';
import { COMMANDS, type Command } from './main.ts';

const names = Object.keys(COMMANDS);
const command = (name: string): Command => COMMANDS[name] as Command;

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
    const run = await vgac('--help');

    expect(run.code).toBe(0);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const summary = command(name).usage.summary;
      expect(summary).toMatch(/^\p{Lu}/u);
      expect(run.stdout).toContain(`  ${name.padEnd(14)} ${summary}\n`);
    }
  });

  it('main: every `vgac <command> --help` exits 0 and describes every option its parseArgs accepts', async () => {
    const runs = await Promise.all(names.map((name) => vgac(name, '--help')));

    names.forEach((name, index) => {
      const run = runs[index] as Run;
      expect(run.code, `vgac ${name} --help: ${run.stderr}`).toBe(0);
      const optionsList = optionsSection(run.stdout);
      for (const [option, config] of Object.entries(command(name).usage.options)) {
        // Described: named in the options list, not only in the usage line (`--data` does not count for `--data-dir`).
        const described = optionsList.some((line) => new RegExp(`(^|\\s)--${option}(?![\\w-])`).test(line));
        expect(described, `vgac ${name} --help describes --${option}`).toBe(true);
        if (config.short !== undefined)
          expect(run.stdout, `vgac ${name} --help names -${config.short}`).toContain(`-${config.short}, --${option}`);
      }
    });
  }, 120_000);

  it('main: `vgac help <command>` prints exactly what `vgac <command> --help` prints', async () => {
    const [viaHelp, viaOption, viaShort] = await Promise.all([
      vgac('help', 'replay'),
      vgac('replay', '--help'),
      vgac('help', 'budget'),
    ]);

    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toContain('usage: vgac replay');
    expect(viaHelp).toEqual(viaOption);
    expect(viaShort.stdout).toContain('usage: vgac budget');
  });

  it('main: `vgac help` with an unknown command or two commands exits 2 with one line', async () => {
    const [unknown, two] = await Promise.all([vgac('help', 'nosuchcommand'), vgac('help', 'replay', 'budget')]);

    for (const run of [unknown, two]) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(unknown.stderr).toContain("unknown command 'nosuchcommand'");
  });

  it("main: `vgac --version` prints package.json's version", async () => {
    const expected = (JSON.parse(await readFile(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { version: string })
      .version;

    const run = await vgac('--version');

    expect(run).toEqual({ code: 0, stdout: `${expected}\n`, stderr: '' });
  });

  it('main: an unknown command, or an unknown option of a command, exits 2 with one line naming it', async () => {
    const [command, option] = await Promise.all([vgac('nosuchcommand'), vgac('replay', '--nosuchoption')]);

    expect(command.code).toBe(2);
    expect(command.stderr).toBe("vgac: unknown command 'nosuchcommand' (try 'vgac --help')\n");
    expect(option.code).toBe(2);
    expect(option.stderr.trim().split('\n')).toHaveLength(1);
    expect(option.stderr).toContain("'--nosuchoption'");
    expect(option.stderr).toContain("try 'vgac replay --help'");
  });
});
