import { describe, expect, it } from 'vitest';
import { LAMBDA_FUNCTIONS, bundleDirectory } from './lambda-functions.ts';

function kebab(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

describe('LAMBDA_FUNCTIONS', () => {
  it('LAMBDA_FUNCTIONS names each bundle after its logical id in kebab-case without "Function"', () => {
    for (const fn of LAMBDA_FUNCTIONS) {
      expect(fn.logicalId).toMatch(/^[A-Z][A-Za-z]+Function$/);
      expect(fn.name).toBe(kebab(fn.logicalId.replace(/Function$/, '')));
    }
  });

  it('LAMBDA_FUNCTIONS has unique names and entries under src/entry/lambda/', () => {
    expect(new Set(LAMBDA_FUNCTIONS.map((fn) => fn.name)).size).toBe(LAMBDA_FUNCTIONS.length);
    expect(new Set(LAMBDA_FUNCTIONS.map((fn) => fn.entry)).size).toBe(LAMBDA_FUNCTIONS.length);
    for (const fn of LAMBDA_FUNCTIONS) expect(fn.entry).toMatch(/^src\/entry\/lambda\/([a-z-]+\/)?[a-z-]+\.ts$/);
  });

  it('LAMBDA_FUNCTIONS lists the nine functions of the deployment (the agents run in the AgentCore Runtime, whose code agent-code publishes)', () => {
    expect(LAMBDA_FUNCTIONS.map((fn) => fn.name)).toEqual([
      'api',
      'slack',
      'agent-code',
      'check-drift',
      'recalibrate',
      'update-profile',
      'notify',
      'collector',
      'alerts',
    ]);
    expect(Object.isFrozen(LAMBDA_FUNCTIONS)).toBe(true);
  });

  it('bundleDirectory is dist/lambda/<name>/', () => {
    const first = LAMBDA_FUNCTIONS[0];

    expect(first === undefined ? '' : bundleDirectory(first)).toBe('dist/lambda/api/');
  });
});
