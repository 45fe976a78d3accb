import { describe, expect, it } from 'vitest';
import { nodeVersionNotice } from './node-version.ts';

describe('nodeVersionNotice', () => {
  it('nodeVersionNotice tells a Node 20 user to install 22 or 24, naming the running version', () => {
    expect(nodeVersionNotice('20.20.2')).toBe(
      'vgac: Node.js 20.20.2 is past its end of life, and AWS SDK releases from January 2027 need Node.js 22 or later: install Node.js 22 or 24 (README, "Node versions").',
    );
    expect(nodeVersionNotice('v20.1.0')).toContain('Node.js 20.1.0 is past its end of life');
  });

  it('nodeVersionNotice says nothing on Node 22, 24 and later, or on an unreadable version', () => {
    expect(['22.0.0', '22.12.1', '24.21.0', '26.1.0', 'v24.0.0', '', 'unknown'].map(nodeVersionNotice)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
