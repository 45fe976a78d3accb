/**
 * The dashboard's three static files (src/entry/local/dashboard/), read as text for the dashboard
 * routes: by `vgac start` from the source tree, and by the API Lambda from the copy the build
 * places next to its bundle (scripts/build-lambdas.ts).
 */
import { readFile } from 'node:fs/promises';
import type { DashboardAssets } from '../app/http/dashboard-routes.ts';

/** The files, in the order of {@link DashboardAssets}' fields. */
export const DASHBOARD_ASSET_FILES = ['index.html', 'dashboard.js', 'dashboard.css'] as const;

/** Reads the three files from `directory` (a `file:` URL ending in `/`); rejects when one is missing. */
export async function readDashboardAssets(directory: URL): Promise<DashboardAssets> {
  const [indexHtml, script, style] = await Promise.all(
    DASHBOARD_ASSET_FILES.map((name) => readFile(new URL(name, directory), 'utf8')),
  );
  return { indexHtml: indexHtml ?? '', script: script ?? '', style: style ?? '' };
}
