// @exports render trainingData trainingWeights trainingSession trainingSentence trainingLossSeries
// The training explorer: a small network trained live in the page, from the start the reader
// picks. Plain minibatch SGD (net.js's sgdStep) on the softmax cross-entropy, batch `data.batch`,
// the training set reshuffled every epoch by a seeded generator (the remainder of an epoch
// smaller than a batch skipped), as winit.networks.train_sgd does. The data, the starts and the
// limits come from Python in the widget's `data` (winit.book.browser.training.page_data).

const _tr_EXTENT = [-2.6, 2.6, -2.6, 2.6];  // the boundary's square, in the spirals' units
const _tr_GRID = 40;                        // the boundary's points per side
const _tr_WINDOW = 10;                      // steps per point of the loss curve
const _tr_MAX_STEPS = 10000;                // Play stops here (first at data.steps, the chapter's runs' length)
const _tr_STEPS_PER_FRAME = 8;
const _tr_PROBE = 64;                       // training examples the layer statistics use
const _tr_cache = new WeakMap();

function _tr_bytes(text) {
  const s = atob(text), out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// 4-bit codes, two a byte, the first in the high half (winit.data.pack_digits).
function _tr_nibbles(text, count) {
  const b = _tr_bytes(text), out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = i % 2 ? b[i >> 1] & 15 : b[i >> 1] >> 4;
  return out;
}

function _tr_digits(packed) {
  const n = packed.images, d = packed.pixels, every = packed.holdOutEvery;
  const levels = _tr_nibbles(packed.levels, n * d), labels = _tr_nibbles(packed.labels, n);
  const flags = _tr_bytes(packed.sixteens);
  for (let i = 0, k = 0; i < levels.length; i++) {   // a 15 is a 16 where its flag bit is set
    if (levels[i] === 15) { if ((flags[k >> 3] >> (7 - (k & 7))) & 1) levels[i] = 16; k++; }
  }
  const train = [], test = [];
  for (let i = 0; i < n; i++) (i % every === 0 ? test : train).push(i);
  // Standardise each pixel with the training images' mean and (population) standard deviation;
  // a pixel constant there is only centred (winit.data.digits' rule).
  const mean = new Float64Array(d), std = new Float64Array(d);
  for (const i of train) for (let j = 0; j < d; j++) mean[j] += levels[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= train.length;
  for (const i of train) for (let j = 0; j < d; j++) { const v = levels[i * d + j] - mean[j]; std[j] += v * v; }
  for (let j = 0; j < d; j++) { std[j] = Math.sqrt(std[j] / train.length); if (!(std[j] > 0)) std[j] = 1; }
  const take = (rows) => {
    const x = new Float64Array(rows.length * d), y = new Int32Array(rows.length);
    rows.forEach((i, r) => {
      for (let j = 0; j < d; j++) x[r * d + j] = (levels[i * d + j] - mean[j]) / std[j];
      y[r] = labels[i];
    });
    return [x, y];
  };
  const [x, y] = take(train), [xTest, yTest] = take(test);
  return { x, y, n: train.length, xTest, yTest, nTest: test.length, dim: d, classes: 10 };
}

function _tr_spirals(s) {
  const all = Float64Array.from(s.x), n = s.train, total = s.y.length;
  return { x: all.slice(0, 2 * n), y: Int32Array.from(s.y.slice(0, n)), n,
           xTest: all.slice(2 * n), yTest: Int32Array.from(s.y.slice(n)), nTest: total - n,
           dim: 2, classes: 2 };
}

/**
 * The data set `dataset` ("spirals" or "digits") as the page trains on it, from the widget's
 * `data`: { x, y, n, xTest, yTest, nTest, dim, classes } (x row-major Float64Array, labels
 * Int32Array). Unpacked once per `data` object.
 */
function trainingData(data, dataset) {
  let sets = _tr_cache.get(data);
  if (!sets) _tr_cache.set(data, (sets = {}));
  if (!sets[dataset]) {
    if (dataset === "spirals") sets[dataset] = _tr_spirals(data.spirals);
    else if (dataset === "digits") sets[dataset] = _tr_digits(data.digits);
    else throw new RangeError(`dataset must be "spirals" or "digits"; got ${JSON.stringify(dataset)}`);
  }
  return sets[dataset];
}

/**
 * The first weights for start `init`: one of data.scales' four (every weight N(0, (s g)^2 /
 * fanIn), g = data.gains[activation]; zeros exactly 0), or a scheme of random.js's SCHEMES.
 * Layer l draws from its own stream makeRng(deriveSeed(seed, 1, l)). Biases are zero.
 * Returns { weights, biases } (Float64Arrays, (fanIn, fanOut) row-major).
 */
function trainingWeights(data, init, sizes, activation, seed) {
  const weights = [], biases = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l], fanOut = sizes[l + 1];
    const rng = makeRng(deriveSeed(seed, 1, l));
    if (Object.hasOwn(data.scales, init)) {
      const s = data.scales[init] * data.gains[activation];
      weights.push(s === 0 ? new Float64Array(fanIn * fanOut) : sampleWeights("lecun", fanIn, fanOut, rng, s));
    } else {
      weights.push(sampleWeights(init, fanIn, fanOut, rng));
    }
    biases.push(new Float64Array(fanOut));
  }
  return { weights, biases };
}

/**
 * A training run, without drawing: settings { dataset, depth, width, activation, init, lr,
 * seed }. opts (for tests): { weights, biases } to start from, orders (a list of batches of
 * example indices, one per step, instead of the seeded shuffle), trace (true: every step's
 * loss kept in `trace`). Returns an object with
 * step(k) (k SGD steps; false once a loss is not finite), stats() (the layers' spreads on the
 * first 64 training examples), accuracy() (on the held-out set), boundary(n) (P(class 1) on
 * an n x n grid of the square [-2.6, 2.6]^2, first row at the top), params(), and the history:
 * losses (mean loss of every 10 steps; when a loss overflows, the mean of the window's steps
 * before it, then the non-finite loss), at (their last steps), accs / accAt, step count t,
 * start (stats() at step 0), limit (data.steps: where Play first stops).
 */
function trainingSession(data, settings, opts = {}) {
  const d = trainingData(data, settings.dataset);
  const sizes = [d.dim].concat(Array(settings.depth).fill(settings.width), [d.classes]);
  const start = opts.weights ? { weights: opts.weights.map((w) => Float64Array.from(w)),
                                 biases: opts.biases.map((b) => Float64Array.from(b)) }
    : trainingWeights(data, settings.init, sizes, settings.activation, settings.seed);
  const net = makeNet(sizes, start.weights, start.biases, settings.activation);
  // Nets sharing the weights, each with its own buffers (forward's buffers follow the batch).
  const probeNet = makeNet(sizes, net.weights, net.biases, settings.activation);
  const evalNet = makeNet(sizes, net.weights, net.biases, settings.activation);
  const B = data.batch, dim = d.dim, L = sizes.length - 1;
  const xb = new Float64Array(B * dim), yb = new Int32Array(B);
  const rng = makeRng(deriveSeed(settings.seed, 2));
  const order = Int32Array.from({ length: d.n }, (_, i) => i);
  let pos = d.n;  // start with a shuffle
  const P = Math.min(_tr_PROBE, d.n);
  const probeX = d.x.slice(0, P * dim), probeY = d.y.slice(0, P);
  const s = { sizes, data: d, net, t: 0, losses: [], at: [], accs: [], accAt: [], finite: true,
              lastLoss: NaN, settings, trace: opts.trace ? [] : null, limit: data.steps };
  let sum = 0, count = 0;

  const nextBatch = () => {
    if (opts.orders) return opts.orders[s.t];
    if (pos + B > d.n) {  // a new epoch: Fisher-Yates with the run's generator
      for (let i = d.n - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform() * (i + 1)), v = order[i];
        order[i] = order[j]; order[j] = v;
      }
      pos = 0;
    }
    pos += B;
    return order.subarray(pos - B, pos);
  };

  s.step = (k = 1) => {
    for (let q = 0; q < k && s.finite; q++) {
      const idx = nextBatch();
      for (let i = 0; i < B; i++) {
        const e = idx[i];
        for (let j = 0; j < dim; j++) xb[i * dim + j] = d.x[e * dim + j];
        yb[i] = d.y[e];
      }
      const loss = sgdStep(net, xb, yb, B, settings.lr);
      s.t++;
      s.lastLoss = loss;
      if (s.trace) s.trace.push(loss);
      if (!Number.isFinite(loss)) {
        s.finite = false;
        if (count) { s.losses.push(sum / count); s.at.push(s.t - 1); }  // the steps before it
        s.losses.push(loss); s.at.push(s.t);
        break;
      }
      sum += loss; count++;
      if (count === _tr_WINDOW) { s.losses.push(sum / count); s.at.push(s.t); sum = 0; count = 0; }
    }
    return s.finite;
  };

  s.stats = () => {
    const cache = forward(probeNet, probeX, P);
    const { loss, grad } = softmaxCrossEntropy(cache.pre[L - 1], probeY, P, d.classes);
    const act = layerStats(cache.post, P).std;
    let saturated = 0;
    for (const h of cache.post) for (let i = 0; i < h.length; i++) if (Math.abs(h[i]) > 0.99) saturated++;
    saturated /= cache.post.reduce((a, h) => a + h.length, 0);
    let gradStd = new Float64Array(L - 1).fill(NaN);
    if (Number.isFinite(loss)) {
      const back = backward(probeNet, cache, grad, { weights: false });
      gradStd = layerStats(back.gradPre.slice(0, L - 1), P).std.map((v) => v * P);  // per example
    }
    return { loss, act, grad: gradStd, saturated };
  };

  s.accuracy = () => {
    const chunk = 256, K = d.classes;
    let right = 0;
    for (let a = 0; a < d.nTest; a += chunk) {
      const m = Math.min(chunk, d.nTest - a);
      const out = forward(evalNet, d.xTest.subarray(a * dim, (a + m) * dim), m).pre[L - 1];
      for (let i = 0; i < m; i++) {
        let best = 0;
        for (let k = 1; k < K; k++) if (out[i * K + k] > out[i * K + best]) best = k;
        if (best === d.yTest[a + i]) right++;
      }
    }
    const acc = right / d.nTest;
    if (s.accAt[s.accAt.length - 1] !== s.t) { s.accs.push(acc); s.accAt.push(s.t); }
    return acc;
  };

  s.boundary = (n = _tr_GRID) => {
    const [x0, x1, y0, y1] = _tr_EXTENT, grid = new Float64Array(n * n * 2), out = new Float64Array(n * n);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        grid[2 * (r * n + c)] = x0 + ((c + 0.5) / n) * (x1 - x0);
        grid[2 * (r * n + c) + 1] = y1 - ((r + 0.5) / n) * (y1 - y0);
      }
    }
    const z = forward(evalNet, grid, n * n).pre[L - 1];
    for (let i = 0; i < n * n; i++) {
      const v = 1 / (1 + Math.exp(z[2 * i] - z[2 * i + 1]));  // softmax's class-1 share
      out[i] = Number.isFinite(v) ? v : 0.5;
    }
    return out;
  };

  s.params = () => ({ weights: net.weights.map((w) => Array.from(w)), biases: net.biases.map((b) => Array.from(b)) });
  s.start = s.stats();
  return s;
}

function _tr_num(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 0.01 && a < 1e4 ? String(+v.toPrecision(2)) : v.toExponential(0).replace("e+", "e");
}

// The settings in a few words: "Settings: learning rate 0.1, 4 tanh layers of 32 units, start
// right, seed 0, two spirals." (a setting that changes nothing before a step, the learning
// rate, is still heard when it changes).
function _tr_settings(c) {
  const plural = (k, word) => `${k} ${word}${k === 1 ? "" : "s"}`;
  return `Settings: learning rate ${formatG(c.lr, 3)}, ${plural(c.depth, `${ACTIVATIONS[c.activation].label} layer`)} `
    + `of ${plural(c.width, "unit")}, start ${c.init.replace(/_/g, " ")}, seed ${c.seed}, `
    + `${c.dataset === "spirals" ? "two spirals" : "digits"}.`;
}

/**
 * The sentence that says what is happening, for the status line (aria-live): the step, the
 * loss against a guess's (log K), the held-out accuracy (digits), how the activations and
 * gradients change from the first hidden layer to the last, what that means, and the settings.
 */
function trainingSentence(s, st, acc) {
  const stop = s.limit && s.t === s.limit
    ? ` Play stops here, at step ${s.t.toLocaleString("en-US")}: the chapter's runs end here too. Play or Step goes on.` : "";
  return _tr_state(s, st, acc) + stop + " " + _tr_settings(s.settings);
}

function _tr_state(s, st, acc) {
  const L = s.sizes.length - 2, K = s.data.classes, guess = Math.log(K);
  const parts = [];
  const loss = s.losses.length ? s.losses[s.losses.length - 1] : st.loss;
  parts.push(`Step ${s.t}: loss ${_tr_num(loss)} (a guess scores ${_tr_num(guess)})`);
  if (acc !== undefined) parts.push(`; held-out accuracy ${Math.round(acc * 100)}%`);
  if (!s.finite) {
    return parts.join("") + `. The loss overflowed at step ${s.t}: the signal blew up. ` +
      "Reset, or choose a smaller start or learning rate.";
  }
  const a1 = st.act[0], aL = st.act[L - 1], g1 = st.grad[0], gL = st.grad[L - 1];
  if (L > 1 && a1 > 0 && Number.isFinite(aL / a1)) parts.push(`; layer ${L}'s activations spread ${_tr_num(aL / a1)} times layer 1's`);
  if (L > 1 && gL > 0 && Number.isFinite(g1 / gL)) parts.push(`, layer 1's gradients ${_tr_num(g1 / gL)} times layer ${L}'s`);
  // Saturation is the start's fault only if the units were saturated at step 0. A loss that
  // rose again after falling (the last 50 steps' mean, 1.5 times the lowest window's), or units
  // saturated only since, is the step size's.
  const tanh = s.settings.activation === "tanh", pct = (v) => `${Math.round(v * 100)}%`;
  const sat0 = s.start ? s.start.saturated : st.saturated, lr = formatG(s.settings.lr, 3);
  const n = s.losses.length, last = s.losses.slice(Math.max(0, n - 5));
  const recent = last.reduce((a, v) => a + v, 0) / Math.max(1, last.length);
  let lowest = Infinity;
  for (const v of s.losses) if (v < lowest) lowest = v;
  const rose = n > 5 && recent > 1.5 * lowest && recent > 0.25 * guess;
  let why = "";
  if (!(a1 > 0)) {
    why = "Every hidden unit outputs the same value, 0: no gradient reaches the hidden weights, " +
      `so only the output biases learn and the loss stays at a guess's, log ${K}.`;
  } else if (L > 1 && aL / a1 < 1e-2) {
    why = "The signal vanishes with depth, and so does the gradient: the first layers barely move.";
  } else if (tanh && sat0 > 0.5 && st.saturated > 0.5) {
    why = `${pct(st.saturated)} of the tanh units are saturated at ±1` +
      (s.t > 0 ? `, as ${pct(sat0)} were at the start` : "") +
      ": the boundary is a patchwork, and new points are often misclassified.";
  } else if (rose) {
    why = `The loss fell to ${_tr_num(lowest)}, then rose again: at learning rate ${lr} the steps ` +
      "are too large, and overshoot." +
      (tanh && st.saturated > 0.5 ? ` They pushed ${pct(st.saturated)} of the tanh units to ±1 (${pct(sat0)} at the start).` : "") +
      " Try a smaller learning rate.";
  } else if (tanh && st.saturated > 0.5) {
    why = `${pct(st.saturated)} of the tanh units are saturated at ±1, but only ${pct(sat0)} were ` +
      `at the start: the steps of learning rate ${lr} pushed them there. Try a smaller learning rate.`;
  } else if (L > 1 && aL / a1 > 1e2) {
    why = "The signal grows with depth: the loss spikes and may overflow.";
  } else if (s.t > 0 && loss < 0.5 * guess) {
    why = "The network is learning.";
  }
  return parts.join("") + "." + (why ? " " + why : "");
}

/**
 * The loss chart's series, its y axis running from 0 to `top`: the training loss (a window
 * above `top` drawn on the top edge), a guess's loss, the held-out accuracy, and, when they
 * happen, markers on the windows off the chart (named with the largest) and a dashed line at
 * the step where the loss overflowed. Returns { series, note } (note: the same, in words).
 */
function trainingLossSeries(s, top) {
  const K = s.data.classes, guess = Math.log(K);
  const ys = s.losses.map((v) => (Number.isFinite(v) ? Math.min(v, top) : NaN));
  const series = [{ name: "training loss", xs: s.at, ys },
                  { name: `a guess, log ${K}`, xs: [0, Math.max(s.t, 100)], ys: [guess, guess], dashed: true, color: "#6b7280" },
                  { name: "held-out accuracy", xs: s.accAt, ys: s.accs }];
  const off = [], notes = [];
  let most = -Infinity;
  s.losses.forEach((v, i) => { if (Number.isFinite(v) && v > top) { off.push(s.at[i]); if (v > most) most = v; } });
  if (off.length) {
    series.push({ name: `loss ${_tr_num(most)}, off the chart`, kind: "points", xs: off,
                  ys: off.map(() => 0.97 * top), color: PALETTE[0] });
    notes.push(`Losses above ${_tr_num(top)} are drawn on the top edge, with a dot; the largest is ${_tr_num(most)}.`);
  }
  if (!s.finite) {
    const t = s.at[s.at.length - 1];
    series.push({ name: `overflow at step ${t}`, xs: [t, t], ys: [0, top], dashed: true, color: "#b42318" });
    notes.push(`The loss overflowed at step ${t}, the dashed line.`);
  }
  return { series, note: notes.join(" ") };
}

/** The explorer: controls bound to the model's settings, Play/Pause/Step/Reset, three figures. */
function render({ model, el }) {
  const data = model.get("data");
  const ui = explorerRoot(el, "Train a network from the start you pick");
  ui.root.classList.add("wx-training");
  const controls = {
    dataset: select(ui.controls, { label: "Data", options: [["spirals", "two spirals"], ["digits", "digits (8 × 8)"]] }),
    init: select(ui.controls, { label: "Start", options: data.inits }),
    activation: select(ui.controls, { label: "Activation", options: data.activations }),
    depth: slider(ui.controls, { label: "Hidden layers", min: 1, max: data.maxDepth, step: 1 }),
    width: slider(ui.controls, { label: "Units per layer", min: 1, max: data.maxWidth, step: 1 }),
    lr: slider(ui.controls, { label: "Learning rate", min: data.lrRange[0], max: data.lrRange[1], step: 0.001, log: true, format: (v) => formatG(v, 3) }),
    seed: slider(ui.controls, { label: "Seed", min: 0, max: 999, step: 1 }),
  };
  const unbind = Object.entries(controls).map(([name, c]) => bind(model, name, c));
  const bar = document.createElement("div");
  bar.className = "wx-buttons";
  ui.controls.appendChild(bar);
  const play = button(bar, { label: "Play", onClick: () => start() });
  const pause = button(bar, { label: "Pause", onClick: () => stop() });
  button(bar, { label: "Step", onClick: () => { stop(); session.step(1); draw(true); } });
  button(bar, { label: "Reset", onClick: () => { stop(); reset(true); } });

  const lossBox = document.createElement("div"), boxOf = document.createElement("div");
  const statsBox = document.createElement("div"), canvas = document.createElement("canvas");
  boxOf.appendChild(canvas);
  ui.figures.append(lossBox, boxOf, statsBox);

  let session = null, key = "", frame = 0, playTo = 0;
  const settings = () => Object.fromEntries(["dataset", "depth", "width", "activation", "init", "lr", "seed"]
    .map((k) => [k, model.get(k)]));

  function reset(force) {
    const now = settings(), k = JSON.stringify(now);
    if (!force && k === key && session) return;
    stop();
    key = k;
    session = trainingSession(data, now);
    boxOf.hidden = now.dataset !== "spirals";
    draw(true);
  }

  // Each costly part is redone at most every `every` ms, and at most a fifth of the time
  // (a big network's boundary takes longer than a frame): last run and cost per part.
  const parts = { acc: [0, 0], stats: [0, 0], boundary: [0, 0] };
  function due(name, every, all) {
    const [last, cost] = parts[name];
    return all || performance.now() - last > Math.max(every, 4 * cost);
  }
  function timed(name, f) {
    const t0 = performance.now(), out = f();
    parts[name] = [t0, performance.now() - t0];
    return out;
  }
  let st = null;

  function draw(all) {
    const s = session, d = s.data;
    const digits = s.settings.dataset === "digits";
    const acc = due("acc", 150, all) ? timed("acc", () => s.accuracy()) : s.accs[s.accs.length - 1];
    const top = Math.max(1.5, 1.3 * Math.log(d.classes)), { series, note } = trainingLossSeries(s, top);
    svgChart(lossBox, {
      title: "Loss and held-out accuracy",
      desc: `Mean training loss of every ${_tr_WINDOW} steps up to step ${s.t}, and the share of the ${d.nTest} held-out ${digits ? "digits" : "points"} classified right.${note ? " " + note : ""}`,
      x: { label: "SGD step", min: 0, max: Math.max(100, s.t) },
      y: { label: "loss; accuracy", min: 0, max: top },
      series,
    });
    if (all || !st || due("stats", 60, all)) {
      st = timed("stats", () => s.stats());
      const layers = Array.from({ length: st.act.length }, (_, i) => i + 1);
      const pos = (a) => Array.from(a, (v) => (v > 0 && Number.isFinite(v) ? v : NaN));
      svgChart(statsBox, {
        title: "Spread per layer",
        desc: `Standard deviation of each hidden layer's activations and of the gradient of the loss at its units (per example), on the first ${_tr_PROBE} training examples, at step ${s.t}.`,
        x: { label: "hidden layer", min: 1, max: Math.max(2, layers.length) },
        y: { label: "standard deviation", log: true },
        series: [{ name: "activations", kind: layers.length > 1 ? "line" : "points", xs: layers, ys: pos(st.act) },
                 { name: "gradients", kind: layers.length > 1 ? "line" : "points", xs: layers, ys: pos(st.grad), dashed: true }],
      });
    }
    if (!digits && due("boundary", 120, all)) {
      const [x0, x1, y0, y1] = _tr_EXTENT, xs = [], ys = [];
      for (let i = 0; i < d.n; i++) { xs.push(d.x[2 * i]); ys.push(d.x[2 * i + 1]); }
      const values = timed("boundary", () => s.boundary(_tr_GRID));
      heatMap(canvas, { values, w: _tr_GRID, h: _tr_GRID, lo: 0, hi: 1,
                        extent: [x0, x1, y0, y1], points: { xs, ys, labels: d.y }, size: 320,
                        label: `The network's class for each point of the plane after ${s.t} steps (blue: class 0, orange: class 1), with the training points.` });
    }
    say(ui.status, trainingSentence(s, st, acc));
  }

  function tick() {
    frame = 0;
    const t0 = performance.now();
    // A few steps a frame (about 500 a second at 60 frames a second: the first 2,000 in 4 s,
    // slow enough to watch), fewer if they take more than 10 ms (a slow phone).
    for (let k = 0; k < _tr_STEPS_PER_FRAME && session.t < playTo; k += 2) {
      if (!session.step(Math.min(2, playTo - session.t)) || performance.now() - t0 > 10) break;
    }
    draw(false);
    if (session.finite && session.t < playTo) frame = requestAnimationFrame(tick);
    else stop();
  }
  // Play runs to data.steps (the chapter's runs' length), and from there on to _tr_MAX_STEPS.
  function start() {
    if (frame || !session.finite || session.t >= _tr_MAX_STEPS) return;
    playTo = session.t < session.limit ? session.limit : _tr_MAX_STEPS;
    play.setAttribute("aria-pressed", "true");
    frame = requestAnimationFrame(tick);
  }
  function stop() {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    play.setAttribute("aria-pressed", "false");
  }
  const names = ["dataset", "depth", "width", "activation", "init", "lr", "seed"];
  const onChange = () => reset(false);
  for (const n of names) model.on(`change:${n}`, onChange);
  for (const c of Object.values(controls)) c.listen(onChange);
  reset(true);
  return () => {
    stop();
    for (const n of names) model.off(`change:${n}`, onChange);
    for (const f of unbind) f();
  };
}
