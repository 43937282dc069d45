// @exports bsplineDensity sumDensity weightDensity activationDensity activationStd schemeRanges schemeSentence schemeSums render
// The scheme explorer: one node's weights, its sum z over unit inputs x = ±1, and its
// activation, each against its exact law (winit/book/scheme_theory.py, which the tests
// compare these functions with). A law is { family: "uniform" | "normal", spread, n }:
// spread is the bound a of U[-a, a] or the standard deviation of N(0, spread²).

const _scheme_EXACT_MAX_N = 100;       // above it, z of uniform weights is drawn as the normal
const _scheme_SQRT2PI = Math.sqrt(2 * Math.PI);

// The Irwin-Hall density (sum of `order` U[0, 1]) at each x, by the B-spline recurrence
// M_k(t) = [t M_{k-1}(t) + (k - t) M_{k-1}(t - 1)] / (k - 1): every term non-negative.
function bsplineDensity(xs, order) {
  const out = new Float64Array(xs.length);
  const vals = new Float64Array(order);
  for (let p = 0; p < xs.length; p++) {
    const x = xs[p];
    if (!(x >= 0 && x <= order)) { out[p] = 0; continue; }
    for (let j = 0; j < order; j++) {
      const t = x - j;
      vals[j] = (t >= 0 && (t < 1 || (t === 1 && order === 1))) ? 1 : 0;
    }
    for (let k = 2; k <= order; k++) {
      for (let j = 0; j <= order - k; j++) {
        const t = x - j;
        vals[j] = (t * vals[j] + (k - t) * vals[j + 1]) / (k - 1);
      }
    }
    out[p] = vals[0];
  }
  return out;
}

function _scheme_normalPdf(x, std) {
  const u = x / std;
  return Math.exp(-0.5 * u * u) / (std * _scheme_SQRT2PI);
}

function _scheme_sumStd(law) {
  return Math.sqrt(law.n) * (law.family === "uniform" ? law.spread / Math.sqrt(3) : law.spread);
}

// The density of one weight at each w.
function weightDensity(law, ws) {
  const out = new Float64Array(ws.length);
  for (let i = 0; i < ws.length; i++) {
    out[i] = law.family === "uniform"
      ? (Math.abs(ws[i]) <= law.spread ? 1 / (2 * law.spread) : 0)
      : _scheme_normalPdf(ws[i], law.spread);
  }
  return out;
}

// The density of z = sum of n weights times unit inputs ±1 at each z: the scaled Irwin-Hall
// density for uniform weights up to n = 100, else the normal N(0, n Var[w]).
function sumDensity(law, zs) {
  const { family, spread, n } = law;
  if (family === "uniform" && n <= _scheme_EXACT_MAX_N) {
    const xs = Array.from(zs, (z) => (z / spread + n) / 2);
    const f = bsplineDensity(xs, n);
    for (let i = 0; i < f.length; i++) f[i] /= 2 * spread;
    return f;
  }
  const std = _scheme_sumStd(law);
  return Float64Array.from(zs, (z) => _scheme_normalPdf(z, std));
}

// The law of h = tanh(z) or relu(z): { density (continuous part at each h), mass (P(h = 0)) }.
function activationDensity(law, activation, hs) {
  const out = new Float64Array(hs.length);
  if (activation === "relu") {
    const f = sumDensity(law, hs);
    for (let i = 0; i < hs.length; i++) out[i] = hs[i] >= 0 ? f[i] : 0;
    return { density: out, mass: 0.5 };
  }
  const inside = [];
  for (let i = 0; i < hs.length; i++) if (Math.abs(hs[i]) < 1) inside.push(i);
  const f = sumDensity(law, inside.map((i) => Math.atanh(hs[i])));
  inside.forEach((i, k) => { out[i] = f[k] / (1 - hs[i] * hs[i]); });
  return { density: out, mass: 0 };
}

// Gauss-Legendre nodes and weights on [-1, 1] (Newton on the Legendre polynomial).
function _scheme_gauss(count) {
  const nodes = new Float64Array(count), weights = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let x = Math.cos(Math.PI * (i + 0.75) / (count + 0.5)), dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1, p1 = x;
      for (let k = 2; k <= count; k++) { const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k; p0 = p1; p1 = p2; }
      dp = count * (x * p1 - p0) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = x;
    weights[i] = 2 / ((1 - x * x) * dp * dp);
  }
  return { nodes, weights };
}
const _scheme_GL = _scheme_gauss(10);

// The integral of g(z) f_z(z) over z >= 0, with panels on z's knots for few uniform weights.
function _scheme_halfIntegral(law, g) {
  const std = _scheme_sumStd(law);
  const exact = law.family === "uniform" && law.n <= _scheme_EXACT_MAX_N;
  const reach = exact ? Math.min(law.n * law.spread, 12 * std) : 12 * std;
  const cuts = [0];
  if (exact && law.n <= 16) {
    const per = Math.ceil(32 / law.n);
    for (let k = Math.ceil(law.n / 2); k <= law.n; k++) {
      const lo = cuts[cuts.length - 1], hi = Math.min(law.spread * (2 * k - law.n), reach);
      if (hi <= lo) continue;
      for (let s = 1; s <= per; s++) cuts.push(lo + (hi - lo) * s / per);
    }
  } else {
    for (let s = 1; s <= 32; s++) cuts.push(reach * s / 32);
  }
  const zs = [], ws = [];
  for (let c = 1; c < cuts.length; c++) {
    const mid = (cuts[c] + cuts[c - 1]) / 2, half = (cuts[c] - cuts[c - 1]) / 2;
    for (let i = 0; i < _scheme_GL.nodes.length; i++) {
      zs.push(mid + half * _scheme_GL.nodes[i]);
      ws.push(half * _scheme_GL.weights[i]);
    }
  }
  const f = sumDensity(law, zs);
  let total = 0;
  for (let i = 0; i < zs.length; i++) total += ws[i] * g(zs[i]) * f[i];
  return total;
}

// The standard deviation of tanh(z) or relu(z), from z's exact law (z is symmetric).
function activationStd(law, activation) {
  if (activation === "tanh") {
    return Math.sqrt(2 * _scheme_halfIntegral(law, (z) => Math.tanh(z) ** 2));
  }
  const std = _scheme_sumStd(law);
  const mean = _scheme_halfIntegral(law, (z) => z);
  return Math.sqrt(Math.max(std * std / 2 - mean * mean, 0));
}

// The histograms' x ranges (as winit.book.browser.scheme.plot_ranges).
function schemeRanges(law, activation) {
  const wEnd = law.family === "uniform" ? 1.15 * law.spread : 4 * law.spread;
  let zEnd = 4 * _scheme_sumStd(law);
  if (law.family === "uniform" && law.n * law.spread < zEnd) zEnd = 1.1 * law.n * law.spread;
  return { w: [-wEnd, wEnd], z: [-zEnd, zEnd], h: activation === "tanh" ? [-1, 1] : [0, zEnd] };
}

// The state in words (as winit.book.scheme_theory.state_sentence).
function schemeSentence(name, law, m, fanAvg, activation) {
  const fans = fanAvg ? `n = ${law.n}, m = ${m}` : `n = ${law.n}`;
  const weights = law.family === "uniform" ? `weights within ±${formatG(law.spread, 3)}`
    : `weights with standard deviation ${formatG(law.spread, 3)}`;
  const after = formatG(activationStd(law, activation), 3);
  const act = activation === "tanh" ? `tanh(z) has standard deviation ${after}`
    : `relu(z) is 0 for half the inputs, standard deviation ${after}`;
  return `${name.replace(/_/g, " ")}, ${fans}: ${weights}; ` +
    `z has standard deviation ${formatG(_scheme_sumStd(law), 3)}; ${act}.`;
}

// Draw `weights` weights and `sums` sums z over unit inputs ±1, as scheme_theory.draw_sums:
// k nodes of n weights meet b = ceil(n / 25) input vectors of random signs (at most about
// 50,000 weights drawn).
function schemeSums(law, seed, weights = 1000, sums = 2000) {
  const { n } = law;
  const rng = makeRng(seed);
  const b = Math.ceil(n / 25);
  const k = Math.max(Math.ceil(sums / b), Math.ceil(weights / n));
  const pool = new Float64Array(k * n);
  if (law.family === "uniform") fillUniform(rng, pool, law.spread);
  else fillNormal(rng, pool, law.spread);
  const signs = new Float64Array(b * n);
  for (let i = 0; i < signs.length; i += 32) {
    const bits = rng.uint32();
    for (let j = 0; j < 32 && i + j < signs.length; j++) signs[i + j] = (bits >>> j) & 1 ? 1 : -1;
  }
  const z = new Float64Array(sums);
  for (let q = 0; q < sums; q++) {
    const v = Math.floor(q / k), node = q % k;
    let s = 0;
    const off = node * n, soff = v * n;
    for (let i = 0; i < n; i++) s += pool[off + i] * signs[soff + i];
    z[q] = s;
  }
  return { w: pool.slice(0, weights), z };
}

// The tutorial's three schemes, compared in the last panel.
const _scheme_COMPARED = ["xavier", "normalized_xavier", "he"];
const _scheme_BINS = 40;

function _scheme_law(name, n, m) {
  const s = SCHEMES[name];
  return { family: s.family, spread: s.spread(n, m), n };
}

function _scheme_std(name, n, m) {
  const law = _scheme_law(name, n, m);
  return law.family === "uniform" ? law.spread / Math.sqrt(3) : law.spread;
}

function _scheme_grid(lo, hi, count) {
  return Float64Array.from({ length: count }, (_, i) => lo + (hi - lo) * i / (count - 1));
}

// A histogram as a density over all `total` values (values outside the range lower the bars,
// as they lower the theory's mass inside it).
function _scheme_hist(values, lo, hi, total) {
  const { edges, counts } = histogram(values, lo, hi, _scheme_BINS);
  const width = (hi - lo) / _scheme_BINS;
  return { edges, density: Float64Array.from(counts, (c) => c / (width * total)) };
}

function render({ model, el }) {
  const ui = explorerRoot(el, "Scheme explorer: the weights, their sum z and the activation");
  const pick = select(ui.controls, {
    label: "Scheme", options: model.get("choices"), value: model.get("scheme"),  // from scheme.py
  });
  const nIn = slider(ui.controls, { label: "n inputs", min: 1, max: 1000, step: 1, log: true, value: model.get("n") });
  const mOut = slider(ui.controls, {
    label: "m outputs (normalized xavier only)", min: 1, max: 1000, step: 1, log: true, value: model.get("m"), note: "",
  });
  const act = select(ui.controls, {
    label: "Activation", options: ["tanh", "relu"].map((a) => [a, ACTIVATIONS[a].label]), value: model.get("activation"),
  });
  button(ui.controls, {
    label: "Draw again",
    onClick: () => { model.set("seed", (model.get("seed") + 1) % 4294967296); model.save_changes(); },
  });
  const unbind = [bind(model, "scheme", pick), bind(model, "n", nIn), bind(model, "m", mOut),
    bind(model, "activation", act)];
  const boxes = ["weights", "sum", "activation", "compare"].map((name) => {
    const box = document.createElement("div");
    box.className = `wx-figure wx-scheme-${name}`;
    ui.figures.appendChild(box);
    return box;
  });
  let cache = { key: null };

  function draw() {
    const name = model.get("scheme"), n = model.get("n"), m = model.get("m");
    const activation = model.get("activation"), seed = model.get("seed");
    const law = _scheme_law(name, n, m);
    // Samples of unit spread, kept while the family, n and seed stay: a new scheme of the same
    // family, or a new m, only rescales them.
    const key = `${law.family} ${n} ${seed}`;
    if (cache.key !== key) {
      cache = { key, ...schemeSums({ family: law.family, spread: 1, n }, seed) };
    }
    const w = cache.w.map((v) => v * law.spread), z = cache.z.map((v) => v * law.spread);
    const r = schemeRanges(law, activation);
    const label = name.replace(/_/g, " ");
    // Weights.
    let hist = _scheme_hist(w, r.w[0], r.w[1], w.length), xs = _scheme_grid(r.w[0], r.w[1], 201);
    let theory = weightDensity(law, xs);
    svgChart(boxes[0], {
      title: `${formatCount(w.length)} weights`,
      desc: `Histogram of ${w.length} ${label} weights for n = ${n} with the density of their scheme.`,
      x: { label: "weight w", min: r.w[0], max: r.w[1] },
      y: { label: "density", min: 0, max: 1.15 * Math.max(...theory, ...hist.density) },
      series: [{ name: "sample", kind: "bars", xs: hist.edges, ys: hist.density },
        { name: "theory", kind: "line", xs, ys: theory }],
    });
    // The sum z over unit inputs.
    hist = _scheme_hist(z, r.z[0], r.z[1], z.length);
    xs = _scheme_grid(r.z[0], r.z[1], 201);
    theory = sumDensity(law, xs);
    svgChart(boxes[1], {
      title: `z = Σ w·x, ${formatCount(z.length)} sums`,
      desc: `Histogram of ${z.length} sums of n = ${n} weights times unit inputs ±1, with their exact density.`,
      x: { label: "z", min: r.z[0], max: r.z[1] },
      y: { label: "density", min: 0, max: 1.15 * Math.max(...theory, ...hist.density) },
      series: [{ name: "sample", kind: "bars", xs: hist.edges, ys: hist.density },
        { name: "theory", kind: "line", xs, ys: theory }],
    });
    // The activation.
    const h = new Float64Array(z.length);
    ACTIVATIONS[activation].apply(z, h);
    xs = _scheme_grid(r.h[0], r.h[1], 201);
    const law_h = activationDensity(law, activation, xs);
    const series = [];
    let top;
    if (activation === "relu") {
      const width = (r.h[1] - r.h[0]) / _scheme_BINS;
      const positive = h.filter((v) => v > 0);
      hist = _scheme_hist(positive, r.h[0], r.h[1], h.length);
      const zeros = (h.length - positive.length) / h.length;
      top = 1.25 * Math.max(...law_h.density, ...hist.density);
      series.push({ name: "sample", kind: "bars", xs: hist.edges, ys: hist.density },
        { name: "theory", kind: "line", xs: xs.slice(1), ys: law_h.density.slice(1) },
        { name: `h = 0: ${formatG(zeros, 3)} (theory ${law_h.mass}), bar cut`, kind: "bars", xs: [-width, 0], ys: [zeros / width] },
        { name: "", kind: "steps", xs: [-width, 0], ys: [law_h.mass / width], color: PALETTE[1] });
      series[2].color = PALETTE[0];   // the sample's colour; the theory's is PALETTE[1]
    } else {
      hist = _scheme_hist(h, r.h[0], r.h[1], h.length);
      top = 1.15 * Math.max(...law_h.density, ...hist.density);
      series.push({ name: "sample", kind: "bars", xs: hist.edges, ys: hist.density },
        { name: "theory", kind: "line", xs, ys: law_h.density });
    }
    svgChart(boxes[2], {
      title: `h = ${activation}(z)`,
      desc: activation === "tanh" ? "Histogram of tanh of the sums, with its exact density."
        : "Histogram of ReLU of the sums, with its exact density; the bar left of 0 is the half of the sums set to 0.",
      x: { label: "h", min: activation === "relu" ? -(r.h[1] - r.h[0]) / _scheme_BINS : r.h[0], max: r.h[1] },
      y: { label: "density", min: 0, max: top },
      series,
    });
    // The tutorial's three schemes against n, this n marked.
    const ns = [...new Set(Array.from({ length: 60 }, (_, i) => Math.round(Math.pow(1000, i / 59))))];
    const lines = _scheme_COMPARED.map((s) => ({
      name: s.replace(/_/g, " "), kind: "line", xs: ns, ys: ns.map((k) => _scheme_std(s, k, m)),
    }));
    const marks = _scheme_COMPARED.map((s) => ({ kind: "points", xs: [n], ys: [_scheme_std(s, n, m)] }));
    // each mark in its line's colour (the lines take the palette's first three)
    marks.forEach((mark, i) => { mark.color = PALETTE[i]; });
    svgChart(boxes[3], {
      title: "std of the weights against n",
      desc: `The standard deviation of xavier, normalized xavier (m = ${m}) and he weights for n from 1 to 1,000, log scales, n = ${n} marked.`,
      x: { label: "n", log: true, min: 1, max: 1000 },
      y: { label: "std", log: true },
      series: [...lines, ...marks],
    });
    mOut.note.textContent = name === "normalized_xavier" ? "Normalized xavier's spread uses n and m."
      : `Not used by ${label}: m moves only normalized xavier's line in the last chart.`;
    say(ui.status, schemeSentence(name, law, m, name === "normalized_xavier", activation));
  }

  const names = ["scheme", "n", "m", "activation", "seed"];
  for (const k of names) model.on(`change:${k}`, draw);
  draw();
  return () => {
    for (const k of names) if (model.off) model.off(`change:${k}`, draw);
    for (const f of unbind) f();
  };
}
