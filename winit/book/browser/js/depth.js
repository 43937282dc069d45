// @exports render depthPasses depthStats depthTheory depthVerdict depthSigmaW2
// The depth explorer (DepthExplorer in depth.py): a deep network at initialisation, computed in
// the page. Each row of a layer's weights is the start of its own stream of the seeded
// generator, so a layer can be drawn again alone (beyond the memory budget), and a wider network
// keeps the narrower one's weights in its first rows and columns (a width change draws only the
// new values). The weights are kept unscaled, per (seed, distribution); the scheme's spread times
// the gain multiplies each layer's input, so a gain or scheme change draws nothing.
// Orthogonal weights are one QR factorisation per layer and width, drawn whole.

const _DEPTH_PURPOSE = { inputs: 1, weights: 2, biases: 3, labels: 4 };
const _DEPTH_FAMILY_ID = { uniform: 1, normal: 2, truncated_normal: 3, orthogonal: 4 };
const _DEPTH_OUTPUT = 100000; // the output layer's number in the seeds: any depth keeps it
const _DEPTH_COLORS = { act: PALETTE[0], grad: PALETTE[1], hist: PALETTE.slice(0, 3) };
const _DEPTH_BINS = 40;

// ---- the verdict, winit.book.browser.depth._verdict's (numbers by ui.js's formatG and formatE)

function _depth_change(what, ratio, span, layers, level) {
  let text = `${what} ×\u00a0${1e-3 <= ratio && ratio < 1e4 ? formatG(ratio, 3) : formatE(ratio, 1)} ${span}`;
  if (layers > 1 && !(1 / level <= ratio && ratio <= level)) {
    text += ` (×\u00a0${formatG(ratio ** (1 / layers), 3)}/layer)`;
  }
  return text;
}

// {status, message} of per-layer standard deviations, as winit.book.browser.depth._verdict;
// level and extreme are its LEVEL_BAND and EXTREME_BAND, which the model's limits carry.
function depthVerdict(act, grad, level, extreme) {
  if (!(level > 1 && extreme > level)) {
    throw new RangeError(`depthVerdict: level and extreme must be bands with 1 < level < extreme; got ${level}, ${extreme}`);
  }
  const depth = act.length;
  if (![...act, ...grad].every(Number.isFinite)) {
    return { status: "overflow", message: "Overflow: the signal became too large for floating point; the weights "
      + "are far too large for this depth. Plotted where it is finite." };
  }
  const zero = [["activations", act], ["gradients", grad]].filter(([, v]) => v.some((s) => s === 0)).map(([n]) => n);
  if (zero.length) {
    return { status: "vanishing", message: `Vanishing: the ${zero.join(" and the ")} are exactly zero in some `
      + "layers (every unit inactive for every input)." };
  }
  if (depth === 1) return { status: "level", message: "One hidden layer: no change across depth to measure." };
  const ra = act[depth - 1] / act[0];
  const rg = grad[0] / grad[depth - 1];
  const worst = Math.abs(Math.log(rg)) > Math.abs(Math.log(ra)) ? rg : ra;
  let status;
  if (1 / level <= worst && worst <= level) status = "level";
  else if (worst < 1 / extreme) status = "vanishing";
  else if (worst < 1) status = "shrinking";
  else if (worst > extreme) status = "exploding";
  else status = "growing";
  const word = status[0].toUpperCase() + status.slice(1);
  const message = `${word}: ${_depth_change("activations", ra, `from layer 1 to ${depth}`, depth - 1, level)},\n`
    + `${_depth_change("gradients", rg, `from layer ${depth} to 1`, depth - 1, level)}.`;
  return { status, message };
}

// ---- mean-field theory (net.js's lines, on winit.meanfield's rule)

// sigma_w^2: fan-in times the weights' variance of a square layer of the scheme `init`.
function depthSigmaW2(init, width, gain) {
  if (init === "orthogonal") return gain * gain;
  const scheme = SCHEMES[init];
  const spread = scheme.spread(width, width);
  return (scheme.family === "uniform" ? spread * spread / 3 : spread * spread) * width * gain * gain;
}

// The theory lines, as depth.py's theory_lines: {q, act, grad} per hidden layer, for unit
// inputs (q_1 = sigmaW2 + sigmaB2); the gradients' from gradLast at the last layer back.
// NaN where a value leaves float64's range. quad: the Gauss-Legendre rule {legendre_x, legendre_w}.
function depthTheory(activation, sigmaW2, sigmaB2, depth, gradLast, quad) {
  const x = quad.legendre_x;
  const w = quad.legendre_w;
  const line = lengthMapLine(activation, sigmaW2, sigmaB2, sigmaW2 + sigmaB2, depth, x, w);
  const ok = (v) => Number.isFinite(v) && v > 0;
  const q = Array.from(line.q, (v) => (ok(v) ? v : NaN));
  const act = Array.from(line.std, (v, l) => (ok(q[l]) && Number.isFinite(v) ? v : NaN));
  let grad = new Array(depth).fill(NaN);
  if (ok(gradLast)) {
    const finite = q.map((v) => (Number.isFinite(v) ? v : Infinity));
    grad = Array.from(gradientLine(activation, sigmaW2, finite, gradLast, x, w));
    for (let l = depth - 1, alive = true; l >= 0; l--) { // the line stops where it leaves the range
      alive = alive && ok(grad[l]);
      if (!alive) grad[l] = NaN;
    }
  }
  return { q, act, grad };
}

// ---- the passes, layer by layer (net.js's matmul and matmulT): a layer's weights may be drawn
// again for the backward pass, and the scheme's factor multiplies the layer's input as it is read

// One forward and one backward pass through net = {depth, width, classes, activation,
// layer(l) -> {w, stride, scale, bias} (w unscaled, width x width, rows `stride` apart (default
// width), for l = 0 .. depth - 1), out: {w, stride, scale, bias} (width x classes)}, inputs x
// (batch x width), integer labels. The weights of layer l are scale * w. keep(l) picks the layers (1-based) whose activations
// come back. Returns {act, grad, post: {l: activations}, finite}: numpy's std of each hidden
// layer's activations and of dL/dz times batch (one input's gradient), as depth.py's
// depth_signals; grad is NaN everywhere when the logits are not finite.
async function depthPasses(net, x, labels, batch, keep = () => false, pause = null) {
  const { depth, width, classes } = net;
  const act = ACTIVATIONS[net.activation];
  const pre = [];
  const post = [];
  let h = x;
  for (let l = 0; l < depth; l++) {
    const { w, stride, scale, bias } = net.layer(l);
    const z = new Float64Array(batch * width);
    matmul(h, w, z, batch, width, width, stride ?? width, scale, bias);
    const a = new Float64Array(z.length);
    act.apply(z, a);
    pre.push(z);
    post.push(a);
    h = a;
    if (pause) await pause();
  }
  const logits = new Float64Array(batch * classes);
  matmul(h, net.out.w, logits, batch, width, classes, net.out.stride ?? classes, net.out.scale, net.out.bias);
  const stats = layerStats(post, batch, width);
  const finite = logits.every(Number.isFinite);
  const grads = [];
  if (finite) {
    const { grad: gOut } = softmaxCrossEntropy(logits, labels, batch, classes);
    let above = gOut;
    let { w, scale, stride } = net.out;
    let m = classes;
    for (let l = depth - 1; l >= 0; l--) {
      const gh = new Float64Array(batch * width);
      matmulT(above, w, gh, batch, width, m, stride ?? m, scale);
      const g = new Float64Array(batch * width);
      act.backprop(gh, pre[l], post[l], g);
      grads[l] = g;
      above = g;
      ({ w, scale, stride } = l > 0 ? net.layer(l) : { w: null, scale: 1, stride: 0 });
      m = width;
      if (pause && l > 0) await pause();
    }
  }
  const grad = finite ? Array.from(layerStats(grads, batch, width).std, (v) => v * batch)
    : new Array(depth).fill(NaN);
  const kept = {};
  for (let l = 0; l < depth; l++) if (keep(l + 1)) kept[l + 1] = post[l];
  return { act: Array.from(stats.std), grad, post: kept, finite };
}

// depthPasses on weights given as plain arrays (the tests hand them in from Python):
// weights[l] (width x width, row-major) for the hidden layers, then the output layer's.
async function depthStats(width, classes, activation, weights, biases, x, labels, batch) {
  const depth = weights.length - 1;
  const f64 = (a) => Float64Array.from(a);
  const layers = weights.map((w, l) => ({ w: f64(w), scale: 1, bias: f64(biases[l]) }));
  const net = { depth, width, classes, activation, layer: (l) => layers[l], out: layers[depth] };
  const r = await depthPasses(net, f64(x), labels, batch);
  return { act: r.act, grad: r.grad, finite: r.finite };
}

// ---- the weights, inputs and biases the page draws

// rows x cols values, row r from its own stream (seed, purpose, family, layer, r).
function _depth_rows(rows, cols, family, seed, purpose, layer) {
  const out = new Float64Array(rows * cols);
  const fam = _DEPTH_FAMILY_ID[family] ?? 0;
  for (let r = 0; r < rows; r++) {
    const rng = makeRng(deriveSeed(seed, purpose, fam, layer, r));
    const row = out.subarray(r * cols, (r + 1) * cols);
    if (family === "uniform") fillUniform(rng, row, 1);
    else if (family === "truncated_normal") fillTruncatedNormal(rng, row, 1);
    else fillNormal(rng, row, 1);
  }
  return out;
}

function _depth_family(init) {
  return init === "orthogonal" ? "orthogonal" : SCHEMES[init].family;
}

// The unscaled weights of a layer, kept to grow with the width: an array of `rows` rows of
// `stride` values (stride = rows for a hidden layer, the classes for the output layer), of which
// the top-left `filled` x `filled` block (a hidden layer) or the first `filled` rows (the output
// layer) are drawn. Row r holds the first values of its own stream, whose generator is kept so
// the row can go on: a wider network draws only the new values, into room kept beyond the
// width (an eighth more), so that most moves of the width copy nothing; a narrower one reads
// the top-left block. Orthogonal weights (a QR factorisation per width) are drawn whole:
// {data, rows: width, stride: cols}.
function _depth_grow(entry, n, square, family, seed, layer, ceiling) {
  if (family === "orthogonal") {
    if (entry.rows === n) return entry;
    const rng = makeRng(deriveSeed(seed, _DEPTH_PURPOSE.weights, _DEPTH_FAMILY_ID.orthogonal, layer, n));
    return Object.assign(entry, { data: sampleWeights("orthogonal", n, entry.cols ?? n, rng, 1), rows: n, stride: entry.cols ?? n });
  }
  const filled = entry.filled ?? 0;
  if (filled >= n) return entry;
  if ((entry.rows ?? 0) < n) { // no room left: a larger array, the drawn values copied over
    const rows = Math.min(ceiling, Math.max(n, Math.ceil(1.125 * n)));
    const stride = square ? rows : entry.cols;
    const data = new Float64Array(rows * stride);
    const kept = square ? filled : stride;
    for (let r = 0; r < filled; r++) data.set(entry.data.subarray(r * entry.stride, r * entry.stride + kept), r * stride);
    Object.assign(entry, { data, rows, stride });
  }
  const fill = family === "uniform" ? fillUniform : family === "truncated_normal" ? fillTruncatedNormal : fillNormal;
  const rngs = entry.rngs ?? [];
  const { data, stride } = entry;
  const cols = square ? n : stride;
  for (let r = 0; r < n; r++) {
    let have = 0;
    if (r < filled) have = square ? filled : stride;
    else rngs[r] = makeRng(deriveSeed(seed, _DEPTH_PURPOSE.weights, _DEPTH_FAMILY_ID[family], layer, r));
    if (have < cols) fill(rngs[r], data.subarray(r * stride + have, r * stride + cols), 1);
  }
  return Object.assign(entry, { rngs, filled: n });
}

// The factor on layer (fanIn x fanOut)'s unscaled weights.
function _depth_scale(init, fanIn, fanOut, gain) {
  return init === "orthogonal" ? gain : SCHEMES[init].spread(fanIn, fanOut) * gain;
}

function _depth_cache() {
  return { key: null, layers: [], out: null, inKey: null, x: null, labels: null, bKey: null, biases: [], outBias: null };
}

// ---- the widget

function _depth_settings(model) {
  const s = {};
  for (const k of ["depth", "width", "activation", "init", "gain", "bias_std", "seed", "layer", "batch", "limits", "choices", "quadrature"]) {
    s[k] = model.get(k);
  }
  return s;
}

function render({ model, el }) {
  const ui = explorerRoot(el, "Signals through depth");
  const lim = model.get("limits");
  const choices = model.get("choices");
  const fmt = (v) => formatG(v, 3);
  const controls = {
    depth: slider(ui.controls, { label: "depth (hidden layers)", min: lim.depth[0], max: lim.depth[1], step: 1, value: model.get("depth") }),
    width: slider(ui.controls, { label: "width (units per layer)", min: lim.width[0], max: lim.width[1], step: 1, log: true, value: model.get("width") }),
    activation: select(ui.controls, { label: "activation", options: choices.activation, value: model.get("activation") }),
    init: select(ui.controls, { label: "initialisation", options: choices.init, value: model.get("init") }),
    gain: slider(ui.controls, { label: "gain", min: lim.gain[0], max: lim.gain[1], step: 0.01, log: true, format: fmt, value: model.get("gain") }),
    bias_std: slider(ui.controls, { label: "bias spread (std)", min: lim.bias_std[0], max: lim.bias_std[1], step: 0.01, format: fmt, value: model.get("bias_std") }),
  };
  const unbind = Object.entries(controls).map(([name, control]) => bind(model, name, control));
  // The histogram layer: 1 to depth (made again when the depth changes; hidden below 3 layers);
  // the model's null is the middle layer.
  const shownLayer = () => Math.min(model.get("layer") ?? Math.floor((model.get("depth") + 1) / 2), model.get("depth"));
  let layerDepth = 0;
  let layerSlider = null;
  const layerControl = () => {
    const depth = model.get("depth");
    if (depth === layerDepth) return layerSlider.set(shownLayer());
    layerDepth = depth;
    const made = document.createDocumentFragment();
    const next = slider(made, {
      label: "histogram layer", min: 1, max: Math.max(depth, 2), step: 1, value: shownLayer(),
      onInput: (v) => { model.set("layer", v); model.save_changes(); },
    });
    next.el.hidden = depth < 3;
    if (layerSlider) layerSlider.el.replaceWith(made);
    else ui.controls.appendChild(made);
    layerSlider = next;
  };
  layerControl();
  button(ui.controls, {
    label: "new weights and inputs",
    onClick: () => { model.set("seed", (model.get("seed") + 1) % 2 ** 32); model.save_changes(); },
  });
  const spreadBox = document.createElement("div");
  const histBox = document.createElement("div");
  ui.figures.append(spreadBox, histBox);

  const cache = _depth_cache();
  let job = 0;
  let frame = 0;
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; update(++job); });
  };
  const names = ["depth", "width", "activation", "init", "gain", "bias_std", "seed", "layer"];
  for (const name of names) model.on(`change:${name}`, schedule);

  async function update(me) {
    layerControl();
    const s = _depth_settings(model);
    let result;
    try {
      result = await _depth_compute(s, cache, () => me !== job, (text) => say(ui.status, text));
    } catch (e) {
      say(ui.status, `The explorer failed: ${e.message}`);
      throw e;
    }
    if (me !== job || !result) return;
    _depth_draw(s, result, spreadBox, histBox, shownLayer());
    say(ui.status, result.message.replace("\n", " "));
    el.dataset.drawn = String(me); // for tests and the benchmark: the job last drawn
  }
  update(++job);
  return () => {
    job++;
    for (const name of names) model.off(`change:${name}`, schedule);
    for (const f of unbind) f();
  };
}

// Everything one setting shows: {act, grad, theory, post, status, message}; null if cancelled.
async function _depth_compute(s, cache, cancelled, tell) {
  const { depth, width, activation, init, gain, batch } = s;
  const classes = s.limits.classes;
  const family = _depth_family(init);
  if (family === "orthogonal" && depth * width ** 3 > s.limits.max_orthogonal_work) {
    const most = Math.max(1, Math.floor(s.limits.max_orthogonal_work / width ** 3));
    return { tooLarge: true, status: "too large", message: `Too large: orthogonal weights for ${depth} layers of `
      + `${formatCount(width)} units take a QR factorisation each, more work than this page does; at this width `
      + `choose at most ${most} layer${most === 1 ? "" : "s"}, or fewer units.` };
  }
  let last = performance.now();
  let told = false;
  const pause = async (l, what) => {
    if (performance.now() - last < 40) return;
    if (!told) tell(`Computing: ${depth} layers of ${formatCount(width)} units…`);
    told = true;
    await new Promise((r) => setTimeout(r, 0));
    last = performance.now();
    if (cancelled()) throw new Error("cancelled");
  };
  try {
    // inputs and labels: per (width, seed, batch)
    const inKey = `${width}|${s.seed}|${batch}`;
    if (cache.inKey !== inKey) {
      cache.x = _depth_rows(batch, width, "normal", s.seed, _DEPTH_PURPOSE.inputs, 0);
      const rng = makeRng(deriveSeed(s.seed, _DEPTH_PURPOSE.labels));
      cache.labels = Array.from({ length: batch }, () => Math.floor(rng.uniform() * classes));
      cache.inKey = inKey;
    }
    // unscaled weights: per (seed, distribution), grown with the width, as many layers as the
    // memory budget holds; the others drawn again for each pass
    const key = `${s.seed}|${family}`;
    const ceiling = s.limits.width[1];
    if (cache.key !== key) {
      cache.key = key;
      cache.layers = [];
      cache.out = { cols: classes };
    }
    if (cache.layers.some((e) => e.rows > 2 * width)) cache.layers = []; // no memory kept for a wider past
    const cap = Math.min(ceiling, Math.ceil(1.125 * Math.max(width, ...cache.layers.map((e) => e.rows))));
    const room = Math.max(0, Math.floor((s.limits.max_floats - ceiling * classes) / (cap * cap)));
    cache.layers.length = Math.min(cache.layers.length, room);
    _depth_grow(cache.out, width, false, family, s.seed, _DEPTH_OUTPUT, ceiling);
    const bKey = `${width}|${s.seed}`;
    if (cache.bKey !== bKey) {
      cache.bKey = bKey;
      cache.biases = [];
      cache.outBias = _depth_rows(1, classes, "normal", s.seed, _DEPTH_PURPOSE.biases, _DEPTH_OUTPUT);
    }
    const hidden = _depth_scale(init, width, width, gain);
    const scaledBias = (b) => (s.bias_std === 0 ? new Float64Array(b.length) : b.map((v) => v * s.bias_std));
    const biases = [];
    for (let l = 0; l < depth; l++) {
      if (!cache.biases[l]) cache.biases[l] = _depth_rows(1, width, "normal", s.seed, _DEPTH_PURPOSE.biases, l);
      biases.push(scaledBias(cache.biases[l]));
    }
    const weightOf = (l) => {
      if (l < room) return _depth_grow(cache.layers[l] ??= {}, width, true, family, s.seed, l, ceiling);
      return _depth_grow({}, width, true, family, s.seed, l, width); // drawn again, not kept
    };
    const net = {
      depth, width, classes, activation,
      layer: (l) => { const e = weightOf(l); return { w: e.data, stride: e.stride, scale: hidden, bias: biases[l] }; },
      out: { w: cache.out.data, stride: cache.out.stride, scale: _depth_scale(init, width, classes, gain), bias: scaledBias(cache.outBias) },
    };
    const shown = new Set([1, Math.min(s.layer ?? Math.floor((depth + 1) / 2), depth), depth]);
    const r = await depthPasses(net, cache.x, cache.labels, batch, (l) => shown.has(l), pause);
    const { status, message } = depthVerdict(r.act, r.grad, s.limits.level_band, s.limits.extreme_band);
    const anchor = r.grad[depth - 1];
    const theory = depthTheory(activation, depthSigmaW2(init, width, gain), s.bias_std ** 2, depth,
      anchor > 0 && anchor < Infinity ? anchor : 1, s.quadrature);
    if (!(anchor > 0 && anchor < Infinity)) theory.grad.fill(NaN);
    return { ...r, theory, status, message };
  } catch (e) {
    if (e.message === "cancelled") return null;
    throw e;
  }
}

function _depth_points(ys) {
  const xs = [];
  const vs = [];
  ys.forEach((v, i) => {
    if (Number.isFinite(v) && v > 0) { xs.push(i + 1); vs.push(Math.max(v, 1e-300)); }
  });
  return { xs, ys: vs };
}

function _depth_draw(s, r, spreadBox, histBox, layer) {
  const { depth, width, activation, init } = s;
  const initLabel = Object.fromEntries(s.choices.init)[init];
  const actLabel = Object.fromEntries(s.choices.activation)[activation];
  const network = `${depth} ${actLabel} layers of ${formatCount(width)} units, ${initLabel}, `
    + `gain ${formatG(s.gain, 3)}, bias spread ${formatG(s.bias_std, 3)}`;
  const sentence = r.message.replace("\n", " ");
  if (r.tooLarge) {
    svgChart(spreadBox, { title: "Spread by layer", desc: sentence, x: { label: "hidden layer", min: 1, max: Math.max(depth, 2) }, y: { label: "standard deviation", log: true }, series: [] });
    svgChart(histBox, { title: "Activations", desc: sentence, x: { label: "activation value", min: -1, max: 1 }, y: { label: "density", min: 0, max: 1 }, series: [] });
    return;
  }
  const series = [];
  for (const [name, values, theory, color] of [["activations", r.act, r.theory.act, _DEPTH_COLORS.act],
    ["gradients", r.grad, r.theory.grad, _DEPTH_COLORS.grad]]) {
    const m = _depth_points(values);
    series.push({ name, kind: "line", xs: m.xs, ys: m.ys, color });
    if (depth <= 20) series.push({ kind: "points", xs: m.xs, ys: m.ys, color });
    const t = _depth_points(theory);
    series.push({ name: `${name}, theory`, kind: "line", xs: t.xs, ys: t.ys, color, dashed: true });
  }
  svgChart(spreadBox, {
    title: "Spread by layer (log scale)",
    desc: `Standard deviation of the activations and of the gradients in each hidden layer of ${network}; `
      + `dashed lines: the theory for infinitely wide layers. ${sentence}`,
    x: { label: "hidden layer", min: 1, max: Math.max(depth, 2) },
    y: { label: "standard deviation", log: true },
    series, legend: true,
  });
  // first, chosen and last layers, the chosen one shaded (bars: it shows even when it is the
  // first or the last), each layer in its own colour; each divided by its std when their scales
  // differ by > 1000
  const layers = [...new Set([1, layer, depth])].filter((l) => r.post[l]);
  const finite = layers.map((l) => Float64Array.from(r.post[l]).filter(Number.isFinite));
  const biggest = (v) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  const scales = finite.map(biggest).filter((m) => m > 0);
  const normalise = scales.length > 0 && Math.max(...scales) > 1e3 * Math.min(...scales);
  const shown = finite.map((v) => {
    const sd = v.length ? layerStats([v]).std[0] : 0;
    return normalise && sd > 0 ? v.map((x) => x / sd) : v;
  });
  const spread = Math.max(1e-300, ...shown.map(biggest));
  const hs = [];
  shown.forEach((v, i) => {
    if (!v.length) return;
    const h = histogram(v, -spread, spread, _DEPTH_BINS);
    const chosen = layers[i] === layer;
    hs.push({ name: `layer ${layers[i]}${chosen ? " (chosen)" : ""}`, kind: chosen ? "bars" : "steps",
      xs: Array.from(h.edges), ys: Array.from(h.density), color: _DEPTH_COLORS.hist[layers[i] === 1 ? 0 : layers[i] === depth ? 2 : 1] });
  });
  const list = layers.length > 1 ? `${layers.slice(0, -1).join(", ")} and ${layers[layers.length - 1]}` : `${layers[0]}`;
  svgChart(histBox, {
    title: `Activations${normalise ? " / std" : ""}, chosen layer shaded`,
    desc: `Histograms of the activations of layer${layers.length > 1 ? "s" : ""} ${list} of ${network}`
      + `${normalise ? ", each divided by its standard deviation" : ""}; layer ${layer}, the one chosen, shaded.`,
    x: { label: normalise ? "activation / its std" : "activation value", min: -spread, max: spread },
    y: { label: "density", min: 0 },
    series: hs, legend: true,
  });
}
