/**
 * The web dashboard's three files (src/entry/local/dashboard/: index.html, dashboard.js,
 * dashboard.css), which every runtime's app serves at `/`, `/dashboard.js` and `/dashboard.css`.
 * `npm start` and the compiled CLI read them from disk; the Lambda build replaces this module by
 * one holding their text (scripts/build-lambdas.ts, `inlineDashboardAssets`), so a bundle reads
 * no file and carries no copy to keep in step.
 */
import { readFile } from 'node:fs/promises';
import type { DashboardAssets } from '../app/http/dashboard-routes.ts';

/** Where the files are, and which field of DashboardAssets each one fills. */
export const DASHBOARD_DIRECTORY = new URL('./local/dashboard/', import.meta.url);
export const DASHBOARD_FILES: Readonly<Record<keyof DashboardAssets, string>> = Object.freeze({ indexHtml: 'index.html', script: 'dashboard.js', style: 'dashboard.css' });

export async function readDashboardAssets(): Promise<DashboardAssets> {
  const [indexHtml, script, style] = await Promise.all([DASHBOARD_FILES.indexHtml, DASHBOARD_FILES.script, DASHBOARD_FILES.style].map((name) => readFile(new URL(name, DASHBOARD_DIRECTORY), 'utf8')));
  return { indexHtml: indexHtml ?? '', script: script ?? '', style: style ?? '' };
}
