// Peer benchmark: the graph shapes of Mirari's benchmarks, built with
// alien-signals. Prints one JSON figure per line on stdout; see ../README.md.
//
// alien-signals is lazy: a computed nobody reads never runs, so every sink is
// an effect. A write outside a batch flushes effects before it returns, so a
// single write already is a full tick and no startBatch/endBatch is needed.
import { signal, computed, effect } from 'alien-signals';

let checksum = 0;
let runs = 0; // sink executions, checked against the tick count

const sink = (node) => effect(() => { checksum = (checksum + node()) | 0; runs++; });

function incrChain(n, x) {
  for (let i = 0; i < n; i++) { const prev = x; x = computed(() => prev() + 1); }
  return x;
}

function chain() {
  const s = signal(0);
  sink(incrChain(1000, s));
  let v = 0;
  return [1, () => s(++v)];
}

function fanout() {
  const s = signal(0);
  for (let i = 0; i < 1000; i++) sink(computed(() => s() + i));
  let v = 0;
  return [1000, () => s(++v)];
}

function fanin() {
  const srcs = Array.from({ length: 1000 }, () => signal(0));
  sink(computed(() => { let sum = 0; for (const s of srcs) sum += s(); return sum; }));
  let t = 0;
  return [1, () => { t++; srcs[t % 1000](t); }];
}

// c independent chains of 10 nodes; ticks hit chains in a scattered order so
// a large graph is not served from cache.
function chains(c) {
  const srcs = Array.from({ length: c }, () => {
    const s = signal(0);
    sink(incrChain(9, s));
    return s;
  });
  let t = 0;
  return [1, () => { t++; srcs[(t * 48271) % c](t); }];
}

const now = () => process.hrtime.bigint();
const secs = (a, b) => Number(b - a) / 1e9;

// Seconds per tick: median of 3 runs of ~0.5 s after a 0.2 s warm-up. The
// clock is read every ~1 ms so its cost stays out of fast ticks.
function measure([sinks, tick]) {
  runs = 0;
  let ticks = 0;
  const t0 = now();
  while (secs(t0, now()) < 0.2) { tick(); ticks++; }
  const batch = Math.max(1, Math.floor(ticks / 200));
  const samples = [];
  for (let r = 0; r < 3; r++) {
    const t0 = now();
    let n = 0, dt = 0;
    while (dt < 0.5) {
      for (let i = 0; i < batch; i++) tick();
      n += batch;
      dt = secs(t0, now());
    }
    ticks += n;
    samples.push(dt / n);
  }
  samples.sort((a, b) => a - b);
  if (runs !== sinks * ticks) throw new Error(`sinks ran ${runs} times, expected ${sinks * ticks}`);
  return samples[1];
}

const report = (figure, value) =>
  console.log(`{"peer":"alien-signals","figure":"${figure}","value":${value.toFixed(2)}}`);

function figure(name, scale, build) {
  global.gc();
  report(name, measure(build()) * scale);
}

function liveBytes() {
  global.gc();
  return process.memoryUsage().heapUsed;
}

figure('chain_ns_per_node', 1e9 / 1000, chain);
figure('fanout_ns_per_node', 1e9 / 1000, fanout);
figure('fanin_us_per_tick', 1e6, fanin);
figure('tick_1k_us', 1e6, () => chains(100));
const before = liveBytes();
const g = chains(100_000);
const after = liveBytes();
report('tick_1m_us', measure(g) * 1e6);
report('bytes_per_node', (after - before) / 1e6);
console.error(`alien-signals checksum ${checksum}`);
