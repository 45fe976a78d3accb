/**
 * The dashboard's static files as the API function serves them: the copy the build places next
 * to the bundle (dist/lambda/api/dashboard/, scripts/build-lambdas.ts), or the source tree's when
 * the entry runs from src/ (tests). Read once per cold start (≈ 30 KB from local disk).
 */
import type { DashboardAssets } from '../../app/http/dashboard-routes.ts';
import { readDashboardAssets } from '../dashboard-assets.ts';

/** Where the files may be, in order: beside the bundle, then the source tree. */
const CANDIDATE_DIRECTORIES = [
  new URL('./dashboard/', import.meta.url),
  new URL('../local/dashboard/', import.meta.url),
];

/** The assets from the first directory that has them; undefined when none has (the JSON routes are served without the page). */
export async function lambdaDashboardAssets(): Promise<DashboardAssets | undefined> {
  for (const directory of CANDIDATE_DIRECTORIES) {
    try {
      return await readDashboardAssets(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return undefined;
}
