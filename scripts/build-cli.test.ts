import { describe, expect, it } from 'vitest';
import { literalImportSpecifiers, sourceFileUrl } from './build-cli.ts';

describe('sourceFileUrl', () => {
  it("sourceFileUrl makes import.meta.url the source file's URL, relative to the chunk's", () => {
    const source = "const root = new URL('../..', import.meta.url);";

    const rewritten = sourceFileUrl(source, '/repo/src/entry/shared-data-dir.ts', '/repo/dist/cli');

    expect(rewritten).toBe(
      'const root = new URL(\'../..\', new URL("../../src/entry/shared-data-dir.ts", import.meta.url).href);',
    );
    // What the rewritten expression evaluates to in a chunk of /repo/dist/cli: the source file's own URL's parent's parent.
    expect(
      new URL('../..', new URL('../../src/entry/shared-data-dir.ts', 'file:///repo/dist/cli/chunk-ABC.js').href).href,
    ).toBe('file:///repo/');
  });

  it('sourceFileUrl refuses import.meta.dirname, naming the file', () => {
    expect(() => sourceFileUrl('const here = import.meta.dirname;', '/repo/src/a.ts', '/repo/dist/cli')).toThrow(
      '/repo/src/a.ts: import.meta.dirname',
    );
  });
});

describe('literalImportSpecifiers', () => {
  it('literalImportSpecifiers writes the specifier of a module-level string constant into its import()', () => {
    const source = ["const EMBEDDED = './local/embedded-aws.ts';", 'const { start } = await import(EMBEDDED);'].join(
      '\n',
    );

    const rewritten = literalImportSpecifiers(source, '/repo/src/entry/runtime.ts');

    expect(rewritten.split('\n')[1]).toBe('const { start } = await import("./local/embedded-aws.ts");');
  });

  it('literalImportSpecifiers leaves literal imports as they are', () => {
    const source = "const load = () => import('./commands/start.ts');";

    expect(literalImportSpecifiers(source, '/repo/src/entry/cli/main.ts')).toBe(source);
  });

  it('literalImportSpecifiers refuses an import() of a name that is no string constant, naming the file', () => {
    const source = 'export async function load(path: string) { return import(path); }';

    expect(() => literalImportSpecifiers(source, '/repo/src/x.ts')).toThrow('/repo/src/x.ts: import(path)');
  });
});
