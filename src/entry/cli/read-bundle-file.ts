/** Reads a model bundle file given on the command line: JSON, the bundle schema, and an id that matches its content. */
import { InvalidBundleError } from '../../core/errors.ts';
import { canonicalJson } from '../../core/model/bundle-id.ts';
import { parseBundle } from '../../core/model/apply-bundle.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import { readUserFile, sha256Hex } from './load-feature-table.ts';

/**
 * @param what how the file is named in messages (`bundle`, `prior bundle`).
 * @throws InvalidInputError when the file cannot be read; InvalidBundleError when it is not JSON,
 * not a valid bundle, or edited after it was written (its bundleId no longer matches).
 */
export async function readBundleFile(path: string, what = 'bundle'): Promise<ModelBundle> {
  const text = (await readUserFile(path, what)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidBundleError(`${path}: not JSON (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
  const bundle = parseBundle(json, path);
  const { bundleId, ...content } = bundle;
  if (sha256Hex(canonicalJson(content)) !== bundleId) {
    throw new InvalidBundleError(`${path}: bundleId does not match the bundle's content (edited or corrupted)`);
  }
  return bundle;
}
