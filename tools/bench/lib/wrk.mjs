// Load from wrk (apt-get install -y wrk): a C client that loads a server with
// far less CPU than a Node client on these 2 cores. Bodies are unique per
// request (a Lua script numbers them per thread), so creates never collide.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from './harness.mjs';

const SCRIPT = `
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  mode, path, token, run = args[1], args[2], args[3], args[4]
  n = 0
end
function request()
  n = n + 1
  local headers = { ["authorization"] = "Bearer " .. token, ["content-type"] = "application/json" }
  if mode == "GET" then
    return wrk.format("GET", path, headers, nil)
  end
  local i = tid * 10000000 + n
  local body = string.format('{"firstName":"Grace","lastName":"Hopper%d","emails":[{"address":"grace.%s.%d@example.com","primary":true}],'
    .. '"phones":[{"number":"+33612345678"}],"lifecycleStage":"lead","country":"FR","city":"Paris","tags":["bench"],'
    .. '"source":{"channel":"web","utmSource":"bench"}}', i, run, i)
  return wrk.format("POST", path, headers, body)
end
`;

let scriptPath;
function script() {
  if (!scriptPath) {
    scriptPath = join(mkdtempSync(join(tmpdir(), 'crm-wrk-')), 'load.lua');
    writeFileSync(scriptPath, SCRIPT);
  }
  return scriptPath;
}

function ms(value, unit) {
  const v = Number(value);
  return unit === 'us' ? v / 1000 : unit === 's' ? v * 1000 : unit === 'm' ? v * 60_000 : v;
}

/**
 * Runs wrk against `url` (GET of `path`, or POST of a unique contact) and returns
 * { rps, p50, p99, requests, errors } with latencies in ms. Non-2xx answers count as errors.
 */
export function wrk({ url, method, path, token, run, connections = 32, seconds = 15, threads = 2 }) {
  const args = [
    '-t',
    String(threads),
    '-c',
    String(connections),
    '-d',
    `${seconds}s`,
    '--latency',
    '--timeout',
    '5s',
    '-s',
    script(),
    url,
    '--',
    method,
    path,
    token,
    run,
  ];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error)
        return reject(new Error(`wrk failed (is it installed? apt-get install -y wrk): ${stderr || error.message}`));
      const num = (re) => Number((re.exec(stdout) ?? [])[1] ?? NaN);
      const pct = (p) => {
        const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(stdout);
        return m ? ms(m[1], m[2]) : NaN;
      };
      const requests = num(/(\d+) requests in/);
      const non2xx = num(/Non-2xx or 3xx responses: (\d+)/);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
      const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
      resolve({
        rps: num(/Requests\/sec:\s+([\d.]+)/),
        p50: pct(50),
        p99: pct(99),
        requests,
        errors: (Number.isNaN(non2xx) ? 0 : non2xx) + socketErrors,
        raw: stdout,
      });
    });
  });
}

/** Several wrk runs of one target as one figure: mean throughput, median p50, worst p99. */
export function averageRuns(runs) {
  return {
    rps: runs.reduce((a, r) => a + r.rps, 0) / runs.length,
    p50: percentile(
      runs.map((r) => r.p50),
      50,
    ),
    p99: Math.max(...runs.map((r) => r.p99)),
  };
}

/**
 * Loads every case (wrk options: url, method, path, ...) after a warm-up, then in short rounds of
 * alternating order, so a busy moment on the machine lands on all of them alike; any failed request
 * stops the bench. Returns each case's figures averaged over the rounds (averageRuns).
 *   cases: { label: { url, method, path, ... } }
 */
export async function alternatingRounds(cases, { token, run, rounds, seconds, connections, warmupSeconds = 2 }) {
  const labels = Object.keys(cases);
  for (const label of labels)
    await wrk({ ...cases[label], token, run: `${run}w${label}`, connections, seconds: warmupSeconds });
  const results = Object.fromEntries(labels.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const label of r % 2 === 0 ? labels : [...labels].reverse()) {
      const res = await wrk({ ...cases[label], token, run: `${run}r${r}${label}`, connections, seconds });
      if (res.errors) throw new Error(`${label}: ${res.errors} of ${res.requests} requests failed\n${res.raw}`);
      results[label].push(res);
    }
  }
  return Object.fromEntries(labels.map((k) => [k, averageRuns(results[k])]));
}
