export const summary = '(not built yet)';

export function run(_args: readonly string[]): Promise<number> {
  process.stderr.write('vgac budget: not built yet\n');
  return Promise.resolve(2);
}
