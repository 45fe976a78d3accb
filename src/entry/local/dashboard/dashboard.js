// vgac dashboard: one vanilla ES module, no framework, no build step. Each refresh is ONE request,
// GET /api/dashboard, sent with the last ETag (an unchanged dashboard costs an empty 304). The
// page refreshes no more often than the server announces in that reply (refresh.min_interval_ms:
// short on a laptop, 15 s behind API Gateway, where every request is billed), never while the tab
// is hidden, and once when it is shown again. It renders with DOM APIs only (textContent,
// createElementNS): no innerHTML of data, so the strict CSP (no inline script/style) holds and no
// payload can inject markup.

/** The wait between refreshes until the server has announced its minimum (a deployed API's). */
const UNKNOWN_INTERVAL_MS = 15_000;
const DASHBOARD_PATH = '/api/dashboard';
/** SPEC's tier prerequisites (max ECE per tier); the dashboard draws them as reference lines. */
const TIER_LINES = [
  { tier: 'annotate', maxEce: 0.1 },
  { tier: 'warn', maxEce: 0.07 },
  { tier: 'suggest', maxEce: 0.05 },
  { tier: 'gate', maxEce: 0.03 },
];
const SVG = 'http://www.w3.org/2000/svg';

/** The API key (when the deployment requires one) lives for this tab only; the operator's name across visits. */
const API_KEY_STORAGE = 'vgac.apiKey';
const OPERATOR_STORAGE = 'vgac.operator';

const sessionDecisions = [];
const rendered = new Map();

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function svgEl(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

function number(value, digits = 3) {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : Number(value).toFixed(digits);
}

/** Server text with numbers rounded to what they mean: 157.59999999999997 → 157.6 (4 significant digits). */
function tidy(text) {
  return String(text ?? '').replace(/\d+\.\d{5,}/g, (raw) => String(Number(Number(raw).toPrecision(4))));
}

/** A wait interval as people read it: "5 min (2 min–9 min)", or "about 5 min" when its ends round alike. */
function waitRange(point, lower, upper) {
  return duration(lower) === duration(upper)
    ? `about ${duration(point)}`
    : `${duration(point)} (${duration(lower)}–${duration(upper)})`;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function time(ms) {
  return new Date(ms).toLocaleTimeString();
}

/** fetch with the tab's API key (when one was entered). */
function fetchApi(path, init = {}) {
  const key = sessionStorage.getItem(API_KEY_STORAGE);
  const headers = { accept: 'application/json', ...init.headers, ...(key === null ? {} : { 'x-api-key': key }) };
  return fetch(path, { ...init, headers });
}

/** The JSON body of a reply, or an Error carrying the HTTP status and the API's message. */
async function bodyOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body?.error?.message ?? `${response.status} ${response.statusText}`;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return body;
}

async function getJson(path, init = {}) {
  return bodyOf(await fetchApi(path, init));
}

function replaceChildren(container, ...children) {
  container.replaceChildren(...children.filter((child) => child !== null && child !== undefined));
}

function emptyState(text) {
  return el('p', { class: 'empty', text });
}

function errorState(text) {
  return el('p', { class: 'error-box', role: 'alert', text });
}

// ── Charts ──────────────────────────────────────────────────────────────────────────────────

function historyChart(points) {
  const width = 520,
    height = 200,
    left = 40,
    right = 86,
    top = 10,
    bottom = 24;
  const svg = svgEl('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'history-chart',
    role: 'img',
    'aria-label': 'ECE and Brier over time',
  });
  const measured = points.filter((point) => point.ece !== null || point.brier !== null);
  if (points.length === 0) {
    const text = svgEl('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle' });
    text.textContent = 'No recompute yet: calibration is measured after the first 50 outcomes.';
    svg.append(text);
    return svg;
  }
  const times = points.map((point) => point.at_ms);
  const minT = Math.min(...times),
    maxT = Math.max(...times, minT + 1);
  const maxY = Math.max(0.15, ...measured.flatMap((point) => [point.ece ?? 0, point.brier ?? 0])) * 1.1;
  const x = (t) => left + ((t - minT) / (maxT - minT)) * (width - left - right);
  const y = (v) => top + (1 - v / maxY) * (height - top - bottom);
  svg.append(svgEl('line', { x1: left, y1: y(0), x2: width - right, y2: y(0), stroke: '#c9ced8' }));
  for (const tick of [0, maxY / 2, maxY]) {
    const label = svgEl('text', { x: left - 4, y: y(tick) + 3, 'text-anchor': 'end', class: 'tick' });
    label.textContent = tick.toFixed(2);
    svg.append(label);
  }
  for (const line of TIER_LINES) {
    if (line.maxEce > maxY) continue;
    svg.append(
      svgEl('line', {
        x1: left,
        y1: y(line.maxEce),
        x2: width - right,
        y2: y(line.maxEce),
        stroke: '#b4bac6',
        'stroke-dasharray': '4 3',
      }),
    );
    const label = svgEl('text', { x: width - right + 3, y: y(line.maxEce) + 3 });
    label.textContent = `${line.tier} ${line.maxEce.toFixed(2)}`;
    svg.append(label);
  }
  // Event labels on up to three rows; a label that would overlap every row's last one is left out
  // (its line stays, with the event in its tooltip). ~6.5 units per character at 11 px.
  const rowEnds = [-Infinity, -Infinity, -Infinity];
  for (const point of points) {
    if (point.action === 'none') continue;
    const line = svgEl('line', {
      x1: x(point.at_ms),
      y1: top,
      x2: x(point.at_ms),
      y2: height - bottom,
      stroke: '#1f7a4d',
      'stroke-dasharray': '2 2',
    });
    const tip = svgEl('title');
    tip.textContent = `${point.action} at ${time(point.at_ms)}`;
    line.append(tip);
    svg.append(line);
    const start = x(point.at_ms) + 2;
    const row = rowEnds.findIndex((end) => end + 4 <= start);
    if (row === -1 || start + point.action.length * 6.5 > width) continue;
    rowEnds[row] = start + point.action.length * 6.5;
    const label = svgEl('text', { x: start, y: top + 10 + row * 13, fill: '#1f7a4d', class: 'event-label' });
    label.textContent = point.action;
    svg.append(label);
  }
  for (const [key, color] of [
    ['brier', '#9a4fb5'],
    ['ece', '#3056a8'],
  ]) {
    let path = '';
    let pen = false;
    for (const point of points) {
      const value = point[key];
      if (value === null) {
        pen = false;
        continue;
      }
      path += `${pen ? 'L' : 'M'}${x(point.at_ms).toFixed(1)},${y(value).toFixed(1)}`;
      pen = true;
    }
    if (path !== '') svg.append(svgEl('path', { d: path, fill: 'none', stroke: color, 'stroke-width': 2 }));
    for (const point of points) {
      if (point[key] === null) continue;
      const dot = svgEl('circle', { cx: x(point.at_ms), cy: y(point[key]), r: 2.5, fill: color });
      const title = svgEl('title');
      title.textContent = `${key.toUpperCase()} ${number(point[key])} at ${time(point.at_ms)} (${point.sample_count} outcomes, ${point.scope})`;
      dot.append(title);
      svg.append(dot);
    }
  }
  const first = svgEl('text', { x: left, y: height - 6 });
  first.textContent = time(minT);
  const last = svgEl('text', { x: width - right, y: height - 6, 'text-anchor': 'end' });
  last.textContent = time(maxT);
  svg.append(first, last);
  return svg;
}

function reliabilityChart(reliability) {
  const size = 220,
    pad = 34;
  const svg = svgEl('svg', {
    viewBox: `0 0 ${size} ${size}`,
    class: 'reliability-chart',
    role: 'img',
    'aria-label': 'Reliability diagram',
  });
  const scale = (v) => pad + v * (size - 2 * pad);
  const flip = (v) => size - scale(v);
  svg.append(
    svgEl('rect', { x: pad, y: pad, width: size - 2 * pad, height: size - 2 * pad, fill: 'none', stroke: '#dde1e8' }),
  );
  svg.append(
    svgEl('line', {
      x1: scale(0),
      y1: flip(0),
      x2: scale(1),
      y2: flip(1),
      stroke: '#b4bac6',
      'stroke-dasharray': '4 3',
    }),
  );
  // Tick values on both axes: 0, 0.5 and 1.
  for (const tick of [0, 0.5, 1]) {
    const below = svgEl('text', { x: scale(tick), y: size - pad + 13, 'text-anchor': 'middle', class: 'tick' });
    below.textContent = String(tick);
    const beside = svgEl('text', { x: pad - 4, y: flip(tick) + 4, 'text-anchor': 'end', class: 'tick' });
    beside.textContent = String(tick);
    svg.append(below, beside);
  }
  for (const [text, attrs] of [
    ['predicted', { x: size / 2, y: size - 4, 'text-anchor': 'middle' }],
    ['observed', { x: 10, y: size / 2, transform: `rotate(-90 10 ${size / 2})`, 'text-anchor': 'middle' }],
  ]) {
    const label = svgEl('text', attrs);
    label.textContent = text;
    svg.append(label);
  }
  const curve = reliability?.equal_mass?.curve ?? [];
  if (curve.length === 0) {
    const text = svgEl('text', { x: size / 2, y: size / 2, 'text-anchor': 'middle' });
    text.textContent = 'no outcomes in the window';
    svg.append(text);
    return svg;
  }
  const maxCount = Math.max(...curve.map((bin) => bin.count));
  svg.append(
    svgEl('path', {
      d: curve
        .map(
          (bin, index) =>
            `${index === 0 ? 'M' : 'L'}${scale(bin.mean_predicted).toFixed(1)},${flip(bin.observed_rate).toFixed(1)}`,
        )
        .join(''),
      fill: 'none',
      stroke: '#3056a8',
      'stroke-width': 1.5,
    }),
  );
  for (const bin of curve) {
    const dot = svgEl('circle', {
      cx: scale(bin.mean_predicted),
      cy: flip(bin.observed_rate),
      r: 2 + 3 * Math.sqrt(bin.count / maxCount),
      fill: '#3056a8',
      'fill-opacity': 0.75,
    });
    const title = svgEl('title');
    title.textContent = `predicted ${number(bin.mean_predicted, 2)}, observed ${number(bin.observed_rate, 2)} (${bin.count} jobs)`;
    dot.append(title);
    svg.append(dot);
  }
  return svg;
}

/** A wait as people say it, rounded: "under a minute", "about 25 min", "about 2.5 h", "about 3 days". */
function aboutDuration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 45) return 'under a minute';
  const minutes = seconds / 60;
  if (minutes < 57.5)
    return `about ${minutes < 10 ? Math.max(1, Math.round(minutes)) : Math.round(minutes / 5) * 5} min`;
  const hours = seconds / 3600;
  if (hours < 23.75) return `about ${hours < 10 ? Math.round(hours * 2) / 2 : Math.round(hours)} h`;
  const days = seconds / 86_400;
  const rounded = days < 10 ? Math.round(days * 2) / 2 : Math.round(days);
  return `about ${rounded} ${rounded === 1 ? 'day' : 'days'}`;
}

/** A horizon as written in a question: "1 h", "4 h", "30 min". */
function horizonText(seconds) {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** A probability in words, with its percentage rounded (never "0 %" or "100 %" for what is only nearly so). */
function chanceText(probability) {
  const percent =
    probability < 0.01 ? 'under 1 %' : probability > 0.99 ? 'over 99 %' : `${Math.round(probability * 100)} %`;
  const words =
    probability < 0.05
      ? 'very unlikely'
      : probability < 0.25
        ? 'unlikely'
        : probability < 0.45
          ? 'less likely than not'
          : probability <= 0.55
            ? 'about even'
            : probability < 0.75
              ? 'likely'
              : probability < 0.95
                ? 'very likely'
                : 'almost certain';
  return `${percent}, ${words}`;
}

/** Tick candidates for the wait axis (seconds) and their labels. */
const WAIT_TICKS = [
  [0, '0'],
  [10, '10 s'],
  [30, '30 s'],
  [60, '1 min'],
  [120, '2 min'],
  [300, '5 min'],
  [600, '10 min'],
  [900, '15 min'],
  [1800, '30 min'],
  [3600, '1 h'],
  [7200, '2 h'],
  [14_400, '4 h'],
  [28_800, '8 h'],
  [43_200, '12 h'],
  [86_400, '1 day'],
  [172_800, '2 days'],
  [345_600, '4 days'],
  [604_800, '1 week'],
  [1_209_600, '2 weeks'],
];
/** Width of one character of 11 px chart text, in px (generous, so estimated boxes never underlap). */
const CHAR_PX = 6.6;

/** The 80 % range as the API defines it: [q10, q90], or [0, q80] when q10 is 0 (core/conformal/wait-distribution.ts). */
function interval80(quantiles) {
  const at = (level) => quantiles.find((quantile) => Math.abs(quantile.level - level) < 1e-9)?.seconds ?? null;
  const lower = at(0.1);
  return { lower, upper: lower > 0 ? at(0.9) : at(0.8) };
}

/**
 * The job's predicted wait distribution as a CDF: P(started by) against the wait on a log(1 + s)
 * axis — the scale the API interpolates its quantiles on, so the drawn curve is the one
 * P(start within T) is read from. The 80 % range is shaded, the median and the actual wait (when
 * known) marked and labelled on their own rows above the plot.
 */
function distributionChart(prediction) {
  const quantiles = prediction.wait_quantiles;
  const actual = prediction.outcome?.wait_seconds ?? null;
  // As wide as the screen allows (drawn at 1 px per unit, so its text stays 11 px): 290–480 px.
  const width = Math.round(Math.max(290, Math.min(480, window.innerWidth - 100))),
    height = 158,
    left = 40,
    right = 12,
    top = 40,
    bottom = 24;
  const plotWidth = width - left - right;
  const logs = quantiles.map((quantile) => Math.log1p(quantile.seconds));
  const last = logs[logs.length - 1];
  // Beyond the 95 % quantile the CDF keeps the 90–95 % slope until it reaches 1 (as the API reads it).
  const tailEnd = last + (last - logs[logs.length - 2]);
  // Some room right of the curve's end, so the tick nearest to it can be labelled.
  const maxLog = Math.max(Math.log1p(60), tailEnd, actual === null ? 0 : Math.log1p(actual)) * 1.1;
  const x = (seconds) => left + (Math.log1p(Math.max(0, seconds)) / maxLog) * plotWidth;
  const y = (level) => top + (1 - level) * (height - top - bottom);
  const median = quantiles.find((quantile) => Math.abs(quantile.level - 0.5) < 1e-9)?.seconds ?? null;
  const range = interval80(quantiles);
  const svg = svgEl('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    class: 'distribution-chart',
    role: 'img',
    'aria-label': `Predicted wait distribution of job ${prediction.job_id}: median ${aboutDuration(median)}, 80 % between ${aboutDuration(range.lower)} and ${aboutDuration(range.upper)}${actual === null ? '' : `, actual wait ${duration(actual)}`}`,
  });
  svg.append(
    svgEl('rect', {
      x: x(range.lower),
      y: y(1),
      width: Math.max(1, x(range.upper) - x(range.lower)),
      height: y(0) - y(1),
      class: 'interval80',
    }),
    svgEl('line', { x1: left, y1: y(0), x2: width - right, y2: y(0), stroke: '#c9ced8' }),
    svgEl('line', { x1: left, y1: y(1), x2: width - right, y2: y(1), stroke: '#e3e6ec' }),
  );
  for (const level of [0, 0.5, 1]) {
    const label = svgEl('text', { x: left - 5, y: y(level) + 4, 'text-anchor': 'end', class: 'tick y-tick' });
    label.textContent = `${Math.round(level * 100)}%`;
    svg.append(label);
  }
  let lastRight = -Infinity;
  for (const [seconds, text] of WAIT_TICKS) {
    const at = x(seconds);
    const half = (text.length * CHAR_PX) / 2;
    if (at > width - right + 0.5 || at - half < lastRight + 8 || at + half > width - 1) continue;
    lastRight = at + half;
    svg.append(svgEl('line', { x1: at, y1: y(0), x2: at, y2: y(0) + 4, stroke: '#9aa1ad' }));
    const label = svgEl('text', { x: at, y: height - 6, 'text-anchor': 'middle', class: 'tick x-tick' });
    label.textContent = text;
    svg.append(label);
  }
  const points = [[0, 0], ...quantiles.map((quantile) => [quantile.seconds, quantile.level]), [Math.expm1(tailEnd), 1]];
  svg.append(
    svgEl('path', {
      d: points
        .map(([seconds, level], index) => `${index === 0 ? 'M' : 'L'}${x(seconds).toFixed(1)},${y(level).toFixed(1)}`)
        .join(''),
      fill: 'none',
      stroke: '#3056a8',
      'stroke-width': 2,
    }),
  );
  /** A vertical marker with its label on its own row (row 0 or 1 above the plot), kept inside the chart. */
  const marker = (seconds, row, text, cls) => {
    const at = x(seconds);
    svg.append(svgEl('line', { x1: at, y1: 16 + row * 14, x2: at, y2: y(0), class: `marker ${cls}` }));
    const textWidth = text.length * CHAR_PX;
    const anchorStart = at + 3 + textWidth <= width - 2;
    const label = svgEl('text', {
      x: anchorStart ? at + 3 : at - 3,
      y: 12 + row * 14,
      'text-anchor': anchorStart ? 'start' : 'end',
      class: `marker-label ${cls}`,
    });
    label.textContent = text;
    svg.append(label);
  };
  if (median !== null) marker(median, 0, `median ${aboutDuration(median)}`, 'median');
  if (actual !== null) marker(actual, 1, `actual ${duration(actual)}`, 'actual');
  return svg;
}

/** What one job's prediction said about its wait: the chart, then the same in words. */
function jobDistribution(prediction) {
  const box = el('div', { class: 'job-distribution', 'data-job': prediction.job_id });
  const quantiles = prediction.wait_quantiles;
  const actual = prediction.outcome?.wait_seconds ?? null;
  if (!quantiles || quantiles.length === 0) {
    const wait = prediction.wait_estimate;
    box.append(
      el('p', {
        class: 'note',
        text: `No wait distribution was issued with this prediction (the cluster had too few observed waits).${
          wait === null
            ? ''
            : ` Its estimate: ${aboutDuration(wait.point_seconds)}, 80 % between ${aboutDuration(wait.lower_seconds)} and ${aboutDuration(wait.upper_seconds)}.`
        }`,
      }),
    );
    return box;
  }
  const median = quantiles.find((quantile) => Math.abs(quantile.level - 0.5) < 1e-9)?.seconds ?? null;
  const range = interval80(quantiles);
  const lines = [
    `Median wait ${aboutDuration(median)}; 80 % of the time between ${aboutDuration(range.lower)} and ${aboutDuration(range.upper)}.`,
  ];
  const within = prediction.p_start_within ?? [];
  if (within.length > 0)
    lines.push(
      within
        .map(
          (entry, index) =>
            `${index === 0 ? 'Starts within' : 'within'} ${horizonText(entry.seconds)} of submitting: ${chanceText(entry.probability)}`,
        )
        .join('; ') + '.',
    );
  lines.push(
    actual === null
      ? 'Not started yet.'
      : `Actual wait ${duration(actual)}: ${
          actual >= range.lower && actual <= range.upper ? 'inside' : 'outside'
        } the 80 % range.`,
  );
  box.append(
    el(
      'figure',
      {},
      el('figcaption', {
        text: `Job ${prediction.job_id}: chance it has started, by wait (log scale); shaded: the 80 % range`,
      }),
      distributionChart(prediction),
    ),
    ...lines.map((text) => el('p', { class: 'distribution-text', text })),
  );
  return box;
}

// ── Sections ────────────────────────────────────────────────────────────────────────────────

function fact(label, value) {
  return el('div', {}, el('dt', { text: label }), el('dd', { text: value }));
}

function psiTable(psi) {
  if (psi === null) return errorState('PSI unavailable');
  if (!psi.available) return emptyState(psi.reason ?? 'not available');
  const table = el(
    'table',
    {},
    el('thead', {}, el('tr', {}, el('th', { text: 'feature' }), el('th', { text: 'PSI' }), el('th', { text: '' }))),
  );
  const body = el('tbody');
  for (const feature of psi.features) {
    const flag = feature.psi > 0.25 ? 'large shift' : feature.psi > 0.1 ? 'shift > 0.1' : 'stable';
    body.append(
      el(
        'tr',
        {},
        el('td', { text: feature.name }),
        el('td', { text: number(feature.psi, 2) }),
        el('td', { class: feature.psi > 0.1 ? 'miss' : 'hit', text: flag }),
      ),
    );
  }
  table.append(body);
  return el(
    'div',
    {},
    table,
    el('p', {
      class: 'note',
      text: "Drift is judged on the issued forecasts' residuals; PSI explains (it never triggers drift).",
    }),
  );
}

/** The job whose wait distribution is open, per cluster: { jobId, prediction (as last listed) }. One at a time. */
const openJobs = new Map();

/** The row's job button and, when open, the chart row below it. */
function predictionRows(clusterId, prediction, redraw) {
  const outcome = prediction.outcome;
  const wait = prediction.wait_estimate;
  const predictedLong = prediction.probability >= 0.5;
  const cls = outcome === null ? '' : outcome.long_wait === predictedLong ? 'hit' : 'miss';
  const open = openJobs.get(clusterId)?.jobId === prediction.job_id;
  const detailId = `distribution-${clusterId}-${prediction.job_id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const toggle = el('button', {
    type: 'button',
    class: 'job-toggle',
    'aria-expanded': String(open),
    'aria-controls': detailId,
    'data-job': prediction.job_id,
    'data-distribution': prediction.wait_quantiles ? 'yes' : 'no',
    'data-outcome': outcome === null ? 'no' : 'yes',
    title: open ? 'Hide the predicted wait distribution' : 'Show the predicted wait distribution',
    text: prediction.job_id,
  });
  toggle.addEventListener('click', () => {
    if (openJobs.get(clusterId)?.jobId === prediction.job_id) openJobs.delete(clusterId);
    else openJobs.set(clusterId, { jobId: prediction.job_id, prediction });
    redraw(prediction.job_id);
  });
  const row = el(
    'tr',
    {},
    el('td', {}, toggle),
    el('td', { text: number(prediction.probability, 2) }),
    el('td', { text: wait === null ? '—' : waitRange(wait.point_seconds, wait.lower_seconds, wait.upper_seconds) }),
    el('td', { text: prediction.scope }),
    el('td', { text: outcome === null ? 'waiting…' : duration(outcome.wait_seconds) }),
    el('td', { class: cls, text: outcome === null ? '' : outcome.long_wait ? 'long' : 'short' }),
  );
  if (!open) return [row];
  openJobs.set(clusterId, { jobId: prediction.job_id, prediction });
  const detail = el(
    'tr',
    { class: 'job-detail', id: detailId },
    el('td', { colspan: '6' }, jobDistribution(prediction)),
  );
  return [row, detail];
}

function predictionsTable(clusterId, predictions) {
  if (predictions === null) return errorState('predictions unavailable');
  if (predictions.length === 0) return emptyState('No predictions yet.');
  const container = el('div', { class: 'prediction-list' });
  // Redrawn in place when a job is opened or closed; focus stays on that job's button.
  const redraw = (jobId) => {
    container.replaceChildren(...predictionsContent(clusterId, predictions, redraw));
    container.querySelector(`button.job-toggle[data-job="${CSS.escape(jobId)}"]`)?.focus();
  };
  container.append(...predictionsContent(clusterId, predictions, redraw));
  return container;
}

function predictionsContent(clusterId, predictions, redraw) {
  const table = el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['job', 'P(long)', 'predicted wait', 'scope', 'observed wait', 'long?'].map((text) => el('th', { text })),
      ),
    ),
  );
  const body = el('tbody');
  for (const prediction of predictions) body.append(...predictionRows(clusterId, prediction, redraw));
  table.append(body);
  const hint = el('p', { class: 'note', text: 'Select a job to see its predicted wait distribution.' });
  const open = openJobs.get(clusterId);
  if (open === undefined || predictions.some((prediction) => prediction.job_id === open.jobId)) return [hint, table];
  // The open job has left the newest predictions: it stays open below, as last listed, until closed.
  const close = el('button', {
    type: 'button',
    class: 'job-toggle',
    'aria-expanded': 'true',
    'data-job': open.jobId,
    text: `Close job ${open.jobId}`,
  });
  close.addEventListener('click', () => {
    openJobs.delete(clusterId);
    redraw(open.jobId);
  });
  const pinned = el(
    'div',
    { class: 'job-detail pinned' },
    el('p', { class: 'note', text: 'No longer among the newest predictions; as last listed:' }),
    jobDistribution(open.prediction),
    close,
  );
  return [hint, table, pinned];
}

function clusterCard(summary, detail, history, predictions, psi) {
  const template = document.getElementById('cluster-template');
  const card = template.content.firstElementChild.cloneNode(true);
  card.dataset.cluster = summary.cluster_id;
  card.querySelector('.cluster-name').textContent = summary.cluster_id;
  const scope = card.querySelector('.scope');
  scope.textContent = summary.scope;
  scope.classList.add(`scope-${summary.scope}`);
  scope.title = `action scope: ${summary.scope}`;
  const tiers = card.querySelector('.tiers');
  if (summary.qualified_tiers.length === 0)
    tiers.append(el('span', { class: 'badge none', text: 'no tier qualified' }));
  for (const tier of summary.qualified_tiers) tiers.append(el('span', { class: 'badge tier', text: tier }), ' ');
  const facts = card.querySelector('.facts');
  facts.append(
    fact(
      'ECE',
      detail?.ece_interval
        ? `${number(summary.ece)} [${number(detail.ece_interval.lower)}, ${number(detail.ece_interval.upper)}]`
        : number(summary.ece),
    ),
    fact('score', number(summary.calibration_score, 2)),
    fact('long wait', `> ${duration(summary.long_wait_threshold_seconds)} (label epoch ${summary.label_epoch})`),
    fact(
      'drift',
      `${summary.drift_status}${detail?.drift_alarms ? ` (${detail.drift_alarms} alarm${detail.drift_alarms === 1 ? '' : 's'})` : ''}`,
    ),
    fact('state', summary.state),
    fact('evidence', `${summary.sample_count} issued forecasts`),
    fact('outcomes', String(detail?.total_outcomes ?? '—')),
    fact('bundle', `v${summary.active_bundle_version}`),
    fact('retrains', String(detail?.retrains ?? '—')),
  );
  card.querySelector('.history').append(history === null ? errorState('history unavailable') : historyChart(history));
  card.querySelector('.reliability').append(reliabilityChart(detail?.reliability ?? null));
  card.querySelector('.psi').append(psiTable(psi));
  card.querySelector('.predictions').append(predictionsTable(summary.cluster_id, predictions));
  return card;
}

function renderClusters(clusters) {
  const container = document.getElementById('clusters');
  if (clusters.length === 0) {
    replaceChildren(
      container,
      emptyState('No clusters registered yet. `vgac start` registers eks-prod and slurm-hpc at first start.'),
    );
    rendered.clear();
    return;
  }
  // A refresh that redraws a card keeps the keyboard focus on the same job's button.
  const focused = document.activeElement?.closest?.('button.job-toggle');
  const focusedCluster = focused?.closest('article.cluster')?.dataset.cluster;
  const focusedJob = focused?.dataset.job;
  const cards = clusters.map((cluster) => {
    const key = JSON.stringify(cluster);
    const previous = rendered.get(cluster.cluster_id);
    if (previous !== undefined && previous.key === key) return previous.card;
    const card = clusterCard(cluster.summary, cluster.calibration, cluster.history, cluster.predictions, cluster.psi);
    rendered.set(cluster.cluster_id, { key, card });
    return card;
  });
  replaceChildren(container, ...cards);
  if (focusedJob !== undefined && focusedCluster !== undefined && !focused.isConnected)
    container
      .querySelector(
        `article.cluster[data-cluster="${CSS.escape(focusedCluster)}"] button.job-toggle[data-job="${CSS.escape(focusedJob)}"]`,
      )
      ?.focus();
}

async function decide(escalation, decision, buttons) {
  for (const button of buttons) button.disabled = true;
  try {
    // Who decided goes into the escalation's audit trail (as `api:<name>`).
    const decidedBy = document.getElementById('operator').value.trim() || 'dashboard';
    const body = JSON.stringify({
      cluster_id: escalation.cluster_id,
      escalation_id: escalation.escalation_id,
      decision,
      decided_by: decidedBy,
    });
    const reply = await getJson('/api/escalations', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
    });
    sessionDecisions.unshift(reply.escalation);
  } catch (error) {
    sessionDecisions.unshift({
      ...escalation,
      status: error.status === 409 ? 'already decided' : 'failed',
      result: error.message,
    });
  }
  sessionDecisions.splice(10);
  renderDecisions(null);
  // Decided here: off the pending list now; the next refresh brings the server's list.
  document.querySelector(`#escalations tr[data-escalation="${CSS.escape(escalation.escalation_id)}"]`)?.remove();
}

let pendingKey = '';
function renderEscalations(escalations, clusters = []) {
  const scopeNow = new Map(clusters.map((cluster) => [cluster.cluster_id, cluster.summary?.scope]));
  const container = document.getElementById('escalations');
  if (escalations === null) {
    pendingKey = '';
    replaceChildren(container, emptyState('No escalation queue on this deployment.'));
    return;
  }
  const pending = escalations.pending;
  const key = pending
    .map((escalation) => `${escalation.escalation_id}:${scopeNow.get(escalation.cluster_id)}`)
    .join(',');
  if (key === pendingKey && container.childElementCount > 0) return;
  pendingKey = key;
  if (pending.length === 0) {
    replaceChildren(container, emptyState('No escalation is waiting for a human.'));
    return;
  }
  const table = el(
    'table',
    { class: 'escalation-table' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['cluster', 'job', 'proposed action', 'P(long)', 'scope', 'why', 'created', ''].map((text) =>
          el('th', { text }),
        ),
      ),
    ),
  );
  const body = el('tbody');
  for (const escalation of pending) {
    const approve = el('button', { class: 'approve', type: 'button', text: 'Approve' });
    const reject = el('button', { class: 'reject', type: 'button', text: 'Reject' });
    approve.addEventListener('click', () => void decide(escalation, 'approve', [approve, reject]));
    reject.addEventListener('click', () => void decide(escalation, 'reject', [approve, reject]));
    const row = el(
      'tr',
      { 'data-escalation': escalation.escalation_id },
      el('td', { text: escalation.cluster_id }),
      el('td', { text: escalation.job_id }),
      el('td', { class: 'text', text: `${escalation.action.kind}: ${tidy(escalation.action.reason)}` }),
      el('td', { text: number(escalation.probability, 2) }),
      // An escalation made under another scope than the cluster's current one says so: its reasons are of then.
      el(
        'td',
        {},
        escalation.scope,
        scopeNow.get(escalation.cluster_id) !== undefined && scopeNow.get(escalation.cluster_id) !== escalation.scope
          ? el('span', {
              class: 'stale',
              text: `made when ${escalation.scope}; now ${scopeNow.get(escalation.cluster_id)}`,
            })
          : null,
      ),
      el('td', { class: 'text', text: tidy(escalation.reasons.slice(0, 2).join('; ')) }),
      el('td', { text: time(escalation.created_at_ms) }),
      el('td', { class: 'escalation-actions' }, approve, ' ', reject),
    );
    body.append(row);
  }
  table.append(body);
  replaceChildren(
    container,
    el('p', { class: 'empty', text: `Newest ${pending.length} pending (the gate would not let an agent act alone).` }),
    table,
  );
}

function renderDecisions(serverDecided) {
  const container = document.getElementById('decisions');
  const rows = sessionDecisions.length > 0 ? sessionDecisions : (serverDecided ?? []);
  if (rows.length === 0) {
    replaceChildren(container, emptyState('No decisions yet: approve or reject an escalation above.'));
    return;
  }
  const table = el(
    'table',
    { class: 'decision-table' },
    el(
      'thead',
      {},
      el('tr', {}, ...['cluster', 'job', 'action', 'status', 'by', 'result'].map((text) => el('th', { text }))),
    ),
  );
  const body = el('tbody');
  for (const escalation of rows) {
    body.append(
      el(
        'tr',
        { 'data-escalation': escalation.escalation_id },
        el('td', { text: escalation.cluster_id }),
        el('td', { text: escalation.job_id }),
        el('td', { text: escalation.action?.kind ?? '' }),
        el('td', { class: `status-${escalation.status}`, text: escalation.status }),
        el('td', { text: escalation.decided_by ?? '' }),
        el('td', { class: 'text', text: tidy(escalation.result ?? '') }),
      ),
    );
  }
  table.append(body);
  replaceChildren(container, table);
}

function renderBudget(budget) {
  const container = document.getElementById('budget');
  if (budget === null) {
    replaceChildren(container, emptyState('No budget ledger on this deployment.'));
    return;
  }
  const table = el(
    'table',
    {},
    el(
      'thead',
      {},
      el('tr', {}, ...['component', 'service', 'spent', 'allocation', '', 'calls'].map((text) => el('th', { text }))),
    ),
  );
  const body = el('tbody');
  for (const component of budget.components) {
    const share =
      component.allocation_usd > 0
        ? component.committed_usd / component.allocation_usd
        : component.committed_usd > 0
          ? 1
          : 0;
    const bar = el('div', { class: share > 1 ? 'bar over' : 'bar' }, el('span'));
    bar.firstChild.setAttribute('data-share', share.toFixed(3));
    // Width through the CSSOM (allowed by the CSP), not an inline style attribute.
    bar.firstChild.style.width = `${Math.min(100, share * 100).toFixed(1)}%`;
    body.append(
      el(
        'tr',
        {},
        el('td', { text: component.label }),
        el('td', { text: component.service }),
        el('td', { text: `$${component.committed_usd.toFixed(4)}` }),
        el('td', { text: `$${component.allocation_usd.toFixed(2)}` }),
        el('td', {}, bar),
        el('td', { text: String(component.calls) }),
      ),
    );
  }
  table.append(body);
  replaceChildren(
    container,
    el('p', {
      class: 'empty',
      text: `$${budget.committed_total_usd.toFixed(4)} of $${budget.total_budget_usd} committed · explanation cache ${budget.cache_hits} hits / ${budget.cache_misses} misses`,
    }),
    table,
  );
}

// ── Refreshing ──────────────────────────────────────────────────────────────────────────────

/** The server's minimum interval between refreshes (ms), once it has said; null before. */
let announcedIntervalMs = null;
/** The last reply's ETag and body: sent back in If-None-Match, reused on a 304. */
let lastEtag = null;
let lastSnapshot = null;
/** When the last refresh started (Date.now()); the next one never starts earlier than this + the interval. */
let lastStartedMs = -Infinity;
let timer = null;
let inFlight = null;

function intervalMs() {
  return announcedIntervalMs ?? UNKNOWN_INTERVAL_MS;
}

function hidden() {
  return document.visibilityState === 'hidden';
}

/**
 * The next refresh, at the last one's start + the interval; none while the tab is hidden. The
 * status line carries when (`data-next-refresh-at`, epoch ms) for tools and tests.
 */
function schedule() {
  clearTimeout(timer);
  timer = null;
  const status = document.getElementById('status');
  delete status.dataset.nextRefreshAt;
  if (hidden() || inFlight !== null) return;
  const at = lastStartedMs + intervalMs();
  status.dataset.nextRefreshAt = String(at);
  timer = setTimeout(() => void refresh(), Math.max(0, at - Date.now()));
}

/** Fetches the snapshot (conditionally on the last ETag) and draws it. */
async function load() {
  const response = await fetchApi(DASHBOARD_PATH, {
    cache: 'no-store',
    headers: lastEtag === null ? {} : { 'if-none-match': lastEtag },
  });
  let snapshot;
  if (response.status === 304 && lastSnapshot !== null) {
    snapshot = lastSnapshot;
  } else {
    snapshot = await bodyOf(response);
    lastEtag = response.headers.get('etag');
    lastSnapshot = snapshot;
  }
  const announced = Number(snapshot.refresh?.min_interval_ms);
  if (Number.isFinite(announced) && announced > 0) announcedIntervalMs = announced;
  renderClusters(snapshot.clusters);
  renderEscalations(snapshot.escalations, snapshot.clusters);
  if (sessionDecisions.length === 0) renderDecisions(snapshot.escalations?.executed ?? null);
  renderBudget(snapshot.budget);
}

function showError(error) {
  const status = document.getElementById('status');
  status.className = 'status error';
  const clusters = document.getElementById('clusters');
  const nothingShown = clusters.querySelector('.cluster') === null;
  if (error.status === 401) {
    status.textContent = 'This deployment requires an API key: enter it above.';
    document.getElementById('api-key-form').hidden = false;
    if (nothingShown) replaceChildren(clusters, errorState(`The API refused the request: ${error.message}`));
  } else {
    status.textContent = `Cannot reach the vgac API (${error.message}); retrying every ${intervalMs() / 1000} s.`;
    if (nothingShown)
      replaceChildren(
        clusters,
        errorState(
          error.status === undefined
            ? 'The server did not answer. Is `npm start` still running?'
            : `Cannot load the dashboard: ${error.message}`,
        ),
      );
  }
}

/** One refresh now (joined when one is running), then the next one scheduled. */
function refresh() {
  if (inFlight !== null) return inFlight;
  clearTimeout(timer);
  timer = null;
  delete document.getElementById('status').dataset.nextRefreshAt;
  lastStartedMs = Date.now();
  inFlight = (async () => {
    try {
      await load();
      const status = document.getElementById('status');
      status.className = 'status';
      status.textContent = `Live · updated ${new Date().toLocaleTimeString()} · every ${intervalMs() / 1000} s`;
    } catch (error) {
      showError(error);
    } finally {
      inFlight = null;
      schedule();
    }
  })();
  return inFlight;
}

document.addEventListener('visibilitychange', () => {
  if (hidden()) {
    clearTimeout(timer);
    timer = null;
    const status = document.getElementById('status');
    delete status.dataset.nextRefreshAt;
    status.textContent = 'Paused while this tab is hidden.';
    return;
  }
  // Shown again: one refresh now, unless the last one is more recent than the interval (then at its end).
  if (inFlight === null && Date.now() - lastStartedMs >= intervalMs()) void refresh();
  else schedule();
});

const operator = document.getElementById('operator');
operator.value = localStorage.getItem(OPERATOR_STORAGE) ?? '';
operator.addEventListener('change', () => localStorage.setItem(OPERATOR_STORAGE, operator.value.trim()));
document.getElementById('api-key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(API_KEY_STORAGE, document.getElementById('api-key').value);
  document.getElementById('api-key-form').hidden = true;
  document.getElementById('status').textContent = 'Using the API key…';
  // The operator asked: try the key at once rather than at the next scheduled refresh.
  void refresh();
});

if (!hidden()) void refresh();
