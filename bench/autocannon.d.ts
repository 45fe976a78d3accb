/**
 * Type declarations for autocannon (a dev dependency that ships without types). Only the parts
 * bench/http.bench.ts uses are declared: https://github.com/mcollina/autocannon#api
 */

declare module 'autocannon' {
  export interface AutocannonOptions {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Worker threads firing the requests (off the caller's event loop). */
    workers?: number;
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
    headers?: Record<string, string>;
    body?: string;
    /** Replace every `[<id>]` in the body with a fresh URL-safe id per request. */
    idReplacement?: boolean;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    /** Requests per second over all connections: a fixed rate instead of as fast as answers come. */
    overallRate?: number;
  }

  /** hdr-histogram-percentiles-obj: latency values in ms, request values in requests per second. */
  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  }

  export interface AutocannonResult {
    requests: Histogram;
    latency: Histogram;
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
  }

  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  export default autocannon;
}
