/**
 * Which Node.js versions vgac supports, and the notice `vgac start` prints on an older one.
 * Node 20 still runs everything (package.json `engines`), but it is past its end of life and the AWS
 * SDK for JavaScript v3 releases from January 2027 require Node 22 or later: on 20 the user is
 * told to move to 22 or 24 before an `npm install` pulls an SDK that no longer runs.
 */

/** The oldest major that stays supported after the AWS SDK drops Node 20 (January 2027). */
export const SUPPORTED_NODE_MAJOR = 22;

/**
 * The one-line notice for Node.js `version` (`process.versions.node`, e.g. `20.20.2`; a leading
 * `v` is accepted), or undefined when the version is supported or cannot be read.
 */
export function nodeVersionNotice(version: string): string | undefined {
  const match = /^v?(\d+)\./.exec(version);
  if (match === null) return undefined;
  const major = Number(match[1]);
  if (major >= SUPPORTED_NODE_MAJOR) return undefined;
  return `vgac: Node.js ${version.replace(/^v/, '')} is past its end of life, and AWS SDK releases from January 2027 need Node.js ${SUPPORTED_NODE_MAJOR} or later: install Node.js ${SUPPORTED_NODE_MAJOR} or 24 (README, "Node versions").`;
}
