// @exports ACTIVATIONS LEAKY_RELU_SLOPE matmul matmulT makeNet forward backward softmaxCrossEntropy sgdStep layerStats meanFieldRule gaussExpect lengthMapLine chi1Line gradientLine
// Network passes, activations, layer statistics and the mean-field theory lines.
//
// The same network as winit.networks: z_l = h_{l-1} W_l + b_l, h_l = f(z_l) for the hidden
// layers, the last layer linear. Every matrix is a row-major Float64Array; W_l has shape
// (fanIn, fanOut) (the x @ W layout) and a batch is (batch, width).
// normalCdf (GELU) comes from random.js, in the same module.

/** Leaky ReLU's slope for negative inputs (winit.activations.LEAKY_RELU_SLOPE). */
const LEAKY_RELU_SLOPE = 0.01;
const _NET_INV_SQRT_2PI = 0.3989422804014327;
const _NET_U_MAX = 40.0;

function _net_geluPrime(z) {
  // Phi(z) + z phi(z), z clamped to [-40, 40] so that inf * phi(inf) is not NaN.
  const c = Math.min(Math.max(z, -_NET_U_MAX), _NET_U_MAX);
  return c * Math.exp(-0.5 * (c * c)) * _NET_INV_SQRT_2PI + normalCdf(z);
}

// Each activation: label, f(z), df(z) on numbers; apply(z, out) writes f over a whole array;
// backprop(gh, z, h, out) writes gh * f'(z) (h = f(z), used where winit uses it);
// slopes [a, b] of a positively homogeneous f (f(u) = a u above 0, b u below), else null.
const ACTIVATIONS = {
  tanh: {
    label: "tanh", slopes: null,
    f: (z) => Math.tanh(z),
    df: (z) => { const t = Math.tanh(z); return 1.0 - t * t; },
    apply(z, out) { for (let i = 0; i < z.length; i++) out[i] = Math.tanh(z[i]); },
    backprop(gh, z, h, out) { for (let i = 0; i < gh.length; i++) out[i] = gh[i] * (1.0 - h[i] * h[i]); },
  },
  sigmoid: {
    label: "sigmoid", slopes: null,
    // 0.5 (1 + tanh(z / 2)): winit's form, which never overflows.
    f: (z) => 0.5 * (1.0 + Math.tanh(0.5 * z)),
    df: (z) => { const s = 0.5 * (1.0 + Math.tanh(0.5 * z)); return s * (1.0 - s); },
    apply(z, out) { for (let i = 0; i < z.length; i++) out[i] = 0.5 * (1.0 + Math.tanh(0.5 * z[i])); },
    backprop(gh, z, h, out) { for (let i = 0; i < gh.length; i++) out[i] = gh[i] * (h[i] * (1.0 - h[i])); },
  },
  relu: {
    label: "ReLU", slopes: [1.0, 0.0],
    f: (z) => (z > 0 ? z : 0.0),
    df: (z) => (z > 0 ? 1.0 : 0.0),
    apply(z, out) { for (let i = 0; i < z.length; i++) out[i] = z[i] > 0 ? z[i] : 0.0; },
    backprop(gh, z, h, out) { for (let i = 0; i < gh.length; i++) out[i] = z[i] > 0 ? gh[i] : 0.0; },
  },
  leaky_relu: {
    label: "leaky ReLU", slopes: [1.0, LEAKY_RELU_SLOPE],
    f: (z) => Math.max(z, LEAKY_RELU_SLOPE * z),
    df: (z) => (z > 0 ? 1.0 : LEAKY_RELU_SLOPE),
    apply(z, out) { for (let i = 0; i < z.length; i++) out[i] = Math.max(z[i], LEAKY_RELU_SLOPE * z[i]); },
    backprop(gh, z, h, out) {
      for (let i = 0; i < gh.length; i++) out[i] = z[i] > 0 ? gh[i] : LEAKY_RELU_SLOPE * gh[i];
    },
  },
  linear: {
    label: "linear", slopes: [1.0, 1.0],
    f: (z) => z,
    df: () => 1.0,
    apply(z, out) { out.set(z); },
    backprop(gh, z, h, out) { out.set(gh); },
  },
  gelu: {
    label: "GELU", slopes: null,
    // max(z, -40) Phi(z): z Phi(z), and 0 (not -inf * 0) at -inf.
    f: (z) => Math.max(z, -_NET_U_MAX) * normalCdf(z),
    df: _net_geluPrime,
    apply(z, out) { for (let i = 0; i < z.length; i++) out[i] = Math.max(z[i], -_NET_U_MAX) * normalCdf(z[i]); },
    backprop(gh, z, h, out) { for (let i = 0; i < gh.length; i++) out[i] = gh[i] * _net_geluPrime(z[i]); },
  },
};

function _net_fail(Kind, name, what, got) {
  let shown;
  try { shown = JSON.stringify(got); } catch (e) { shown = String(got); }
  if (shown === undefined) shown = String(got);
  throw new Kind(`${name} must be ${what}; got ${String(shown).slice(0, 80)}`);
}

function _net_floats(a, n, name) {
  if (!(a instanceof Float64Array)) {
    if (!a || typeof a.length !== "number") _net_fail(TypeError, name, "an array of numbers", a);
    a = Float64Array.from(a);
  }
  if (n !== undefined && a.length !== n) _net_fail(RangeError, name, `${n} numbers long`, a.length);
  return a;
}

function _net_count(v, name, what) {
  if (!Number.isInteger(v) || v < 1) _net_fail(RangeError, name, `a positive integer (${what})`, v);
  return v;
}

function _net_activation(name) {
  if (typeof name !== "string" || !Object.prototype.hasOwnProperty.call(ACTIVATIONS, name)) {
    _net_fail(RangeError, "activation", `one of ${Object.keys(ACTIVATIONS).join(", ")}`, name);
  }
  return ACTIVATIONS[name];
}

/**
 * A network: sizes [n_0, ..., n_L]; weights[l] of sizes[l] * sizes[l+1] (row-major, the
 * x @ W layout), biases[l] of sizes[l+1] (zeros if omitted). Typed arrays are kept, not
 * copied (sgdStep updates them in place); plain arrays are copied into Float64Arrays.
 */
function makeNet(sizes, weights, biases, activation) {
  if (!Array.isArray(sizes) || sizes.length < 2) {
    _net_fail(RangeError, "sizes", "a list of at least two layer widths", sizes);
  }
  sizes.forEach((n, l) => _net_count(n, `sizes[${l}]`, "a layer width"));
  const L = sizes.length - 1;
  if (!Array.isArray(weights) || weights.length !== L) {
    _net_fail(RangeError, "weights", `a list of ${L} matrices (one per layer)`, weights && weights.length);
  }
  const W = weights.map((w, l) => _net_floats(w, sizes[l] * sizes[l + 1], `weights[${l}]`));
  let b;
  if (biases === undefined || biases === null) {
    b = sizes.slice(1).map((n) => new Float64Array(n));
  } else {
    if (!Array.isArray(biases) || biases.length !== L) {
      _net_fail(RangeError, "biases", `a list of ${L} vectors (one per layer)`, biases && biases.length);
    }
    b = biases.map((v, l) => _net_floats(v, sizes[l + 1], `biases[${l}]`));
  }
  const act = _net_activation(activation);
  return { sizes: sizes.slice(), weights: W, biases: b, activation, act, _fwd: null, _bwd: null };
}

// The products, each in blocks of 4 x 4 (or 4 x 2) held in registers: every value read from
// memory serves four multiply-adds, and each row of W is read once per layer for the whole
// batch (V8 does not vectorise; this blocking doubles the speed of the plain loops). They are
// the module's one matrix product: net.js's passes and depth.js's use them.

/**
 * z = (scale h) @ W (+ bias): h (batch, nIn), W (nIn, nOut) with its rows `stride` apart
 * (stride >= nOut: the top-left block of a wider matrix), z (batch, nOut), all row-major.
 * bias (nOut numbers) or null: z starts from the bias in each row instead of 0. scale
 * multiplies each value of h as it is read (scale * h[i], the same numbers as a scaled copy).
 */
function matmul(h, W, z, batch, nIn, nOut, stride = nOut, scale = 1.0, bias = null) {
  if (bias) for (let i = 0; i < batch; i++) z.set(bias, i * nOut);
  else z.fill(0.0);
  const k4 = nIn - (nIn % 4), i4 = batch - (batch % 4), s = scale;
  for (let k = 0; k < k4; k += 4) {
    const w0 = k * stride, w1 = w0 + stride, w2 = w1 + stride, w3 = w2 + stride;
    for (let i = 0; i < i4; i += 4) {
      const h0 = i * nIn + k, h1 = h0 + nIn, h2 = h1 + nIn, h3 = h2 + nIn;
      const z0 = i * nOut, z1 = z0 + nOut, z2 = z1 + nOut, z3 = z2 + nOut;
      const a0 = s * h[h0], a1 = s * h[h0 + 1], a2 = s * h[h0 + 2], a3 = s * h[h0 + 3];
      const b0 = s * h[h1], b1 = s * h[h1 + 1], b2 = s * h[h1 + 2], b3 = s * h[h1 + 3];
      const c0 = s * h[h2], c1 = s * h[h2 + 1], c2 = s * h[h2 + 2], c3 = s * h[h2 + 3];
      const d0 = s * h[h3], d1 = s * h[h3 + 1], d2 = s * h[h3 + 2], d3 = s * h[h3 + 3];
      for (let j = 0; j < nOut; j++) {
        const x0 = W[w0 + j], x1 = W[w1 + j], x2 = W[w2 + j], x3 = W[w3 + j];
        z[z0 + j] += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
        z[z1 + j] += b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3;
        z[z2 + j] += c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3;
        z[z3 + j] += d0 * x0 + d1 * x1 + d2 * x2 + d3 * x3;
      }
    }
    for (let i = i4; i < batch; i++) {
      const h0 = i * nIn + k, z0 = i * nOut;
      const a0 = s * h[h0], a1 = s * h[h0 + 1], a2 = s * h[h0 + 2], a3 = s * h[h0 + 3];
      for (let j = 0; j < nOut; j++) {
        z[z0 + j] += a0 * W[w0 + j] + a1 * W[w1 + j] + a2 * W[w2 + j] + a3 * W[w3 + j];
      }
    }
  }
  for (let k = k4; k < nIn; k++) {
    const w0 = k * stride;
    for (let i = 0; i < batch; i++) {
      const a0 = s * h[i * nIn + k], z0 = i * nOut;
      for (let j = 0; j < nOut; j++) z[z0 + j] += a0 * W[w0 + j];
    }
  }
}

/**
 * gh = scale (g @ W^T): gh[i, k] = scale sum_j g[i, j] W[k, j]; g (batch, nOut), W (nIn, nOut)
 * with its rows `stride` apart, gh (batch, nIn). Dot products of contiguous rows, summed in
 * order of j, two rows of W by four rows of g at a time; scale multiplies each finished sum.
 */
function matmulT(g, W, gh, batch, nIn, nOut, stride = nOut, scale = 1.0) {
  const k2 = nIn - (nIn % 2), i4 = batch - (batch % 4);
  for (let k = 0; k < nIn; k += 2) {
    const wk = k * stride, wl = k + 1 < nIn ? wk + stride : wk;  // an odd last row: done twice
    for (let i = 0; i < i4; i += 4) {
      const g0 = i * nOut, g1 = g0 + nOut, g2 = g1 + nOut, g3 = g2 + nOut;
      let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0;
      for (let j = 0; j < nOut; j++) {
        const v = W[wk + j], w = W[wl + j];
        const a = g[g0 + j], b = g[g1 + j], c = g[g2 + j], d = g[g3 + j];
        s0 += a * v; s1 += b * v; s2 += c * v; s3 += d * v;
        t0 += a * w; t1 += b * w; t2 += c * w; t3 += d * w;
      }
      const o = i * nIn + k;
      if (scale !== 1.0) {
        s0 *= scale; s1 *= scale; s2 *= scale; s3 *= scale; t0 *= scale; t1 *= scale; t2 *= scale; t3 *= scale;
      }
      gh[o] = s0; gh[o + nIn] = s1; gh[o + 2 * nIn] = s2; gh[o + 3 * nIn] = s3;
      if (k < k2) { gh[o + 1] = t0; gh[o + nIn + 1] = t1; gh[o + 2 * nIn + 1] = t2; gh[o + 3 * nIn + 1] = t3; }
    }
    for (let i = i4; i < batch; i++) {
      const g0 = i * nOut;
      let s0 = 0.0, t0 = 0.0;
      for (let j = 0; j < nOut; j++) { const a = g[g0 + j]; s0 += a * W[wk + j]; t0 += a * W[wl + j]; }
      gh[i * nIn + k] = scale * s0;
      if (k < k2) gh[i * nIn + k + 1] = scale * t0;
    }
  }
}

// gW = h^T @ g (nIn, nOut), through hT, h transposed (a small copy: batch * nIn values);
// gb = the column sums of g.
function _net_weightGrad(h, g, gW, gb, batch, nIn, nOut, hT) {
  for (let i = 0; i < batch; i++) for (let k = 0; k < nIn; k++) hT[k * batch + i] = h[i * nIn + k];
  matmul(hT, g, gW, nIn, batch, nOut);
  gb.fill(0.0);
  for (let i = 0; i < batch; i++) {
    const q0 = i * nOut;
    for (let j = 0; j < nOut; j++) gb[j] += g[q0 + j];
  }
}

function _net_buffers(net, batch) {
  if (net._fwd && net._fwd.batch === batch) return net._fwd;
  const s = net.sizes, L = s.length - 1;
  net._fwd = {
    batch,
    pre: s.slice(1).map((n) => new Float64Array(batch * n)),
    post: s.slice(1, L).map((n) => new Float64Array(batch * n)),
  };
  net._bwd = null;
  return net._fwd;
}

/**
 * The forward pass of a batch x (batch * sizes[0] numbers, row-major).
 * Returns { x, batch, pre, post }: pre[l] (l = 0..L-1) the pre-activations of layer l+1,
 * (batch, sizes[l+1]); post[l] (l = 0..L-2) the hidden layers' activations. The last layer
 * is linear (winit.networks.forward(..., output=None)). The arrays are the net's own
 * buffers, overwritten by its next forward pass: copy what you keep.
 */
function forward(net, x, batch) {
  _net_count(batch, "batch", "the number of inputs");
  const s = net.sizes, L = s.length - 1;
  x = _net_floats(x, batch * s[0], "x");
  const buf = _net_buffers(net, batch);
  let h = x;
  for (let l = 0; l < L; l++) {
    const z = buf.pre[l], b = net.biases[l], n = s[l + 1];
    matmul(h, net.weights[l], z, batch, s[l], n);
    for (let i = 0; i < batch; i++) for (let j = 0; j < n; j++) z[i * n + j] += b[j];
    if (l < L - 1) {
      net.act.apply(buf.pre[l], buf.post[l]);
      h = buf.post[l];
    }
  }
  return { x, batch, pre: buf.pre, post: buf.post };
}

/**
 * Back-propagation from gradOut = dLoss/dz_L (batch * sizes[L] numbers) through the
 * forward pass `cache` (what forward returned, for the same net and batch).
 * Returns { gradPre, gradPost, gradW, gradB }, as winit.networks.backward's
 * grad_pre_activations (L arrays), grad_activations (L-1), grad_weights (L, shaped like W)
 * and grad_biases (L). With opts.weights === false, gradW and gradB are null (not computed:
 * half the work, for a picture of the back-propagated signal only). The arrays are the
 * net's own buffers, overwritten by its next backward pass.
 */
function backward(net, cache, gradOut, opts = {}) {
  const s = net.sizes, L = s.length - 1, batch = cache.batch;
  if (!net._fwd || cache.pre !== net._fwd.pre) {
    throw new RangeError("cache must be what forward(net, ...) last returned for this net; got another");
  }
  gradOut = _net_floats(gradOut, batch * s[L], "gradOut");
  const weights = opts.weights !== false;
  if (!net._bwd || net._bwd.weights !== weights) {
    net._bwd = {
      weights,
      gradPre: s.slice(1).map((n) => new Float64Array(batch * n)),
      gradPost: s.slice(1, L).map((n) => new Float64Array(batch * n)),
      gradW: weights ? net.weights.map((w) => new Float64Array(w.length)) : null,
      gradB: weights ? s.slice(1).map((n) => new Float64Array(n)) : null,
      hT: weights ? new Float64Array(batch * Math.max(...s.slice(0, L))) : null,
    };
  }
  const buf = net._bwd;
  buf.gradPre[L - 1].set(gradOut);
  for (let l = L - 1; l >= 0; l--) {
    const g = buf.gradPre[l];
    if (weights) {
      const below = l > 0 ? cache.post[l - 1] : cache.x;
      _net_weightGrad(below, g, buf.gradW[l], buf.gradB[l], batch, s[l], s[l + 1], buf.hT);
    }
    if (l > 0) {
      matmulT(g, net.weights[l], buf.gradPost[l - 1], batch, s[l], s[l + 1]);
      net.act.backprop(buf.gradPost[l - 1], cache.pre[l - 1], cache.post[l - 1], buf.gradPre[l - 1]);
    }
  }
  return { gradPre: buf.gradPre, gradPost: buf.gradPost, gradW: buf.gradW, gradB: buf.gradB };
}

function _net_labels(labels, batch, classes) {
  if (!labels || labels.length !== batch) _net_fail(RangeError, "labels", `${batch} class labels`, labels && labels.length);
  for (let i = 0; i < batch; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      _net_fail(RangeError, `labels[${i}]`, `a class label in 0..${classes - 1}`, y);
    }
  }
}

/**
 * The mean softmax cross-entropy of integer labels and its gradient at the logits,
 * (softmax(z) - onehot(y)) / batch, as winit._softmax (the log-sum-exp trick).
 * logits: batch * classes numbers. Returns { loss, grad: Float64Array(batch * classes) }.
 */
function softmaxCrossEntropy(logits, labels, batch, classes, grad) {
  _net_count(batch, "batch", "the number of inputs");
  _net_count(classes, "classes", "the number of classes");
  logits = _net_floats(logits, batch * classes, "logits");
  _net_labels(labels, batch, classes);
  if (!grad) grad = new Float64Array(batch * classes);
  let total = 0.0;
  for (let i = 0; i < batch; i++) {
    const o = i * classes;
    let m = -Infinity;
    for (let k = 0; k < classes; k++) m = Math.max(m, logits[o + k]);
    let sum = 0.0;
    for (let k = 0; k < classes; k++) {
      const e = Math.exp(logits[o + k] - m);
      grad[o + k] = e;
      sum += e;
    }
    total += Math.log(sum) - (logits[o + labels[i]] - m);
    for (let k = 0; k < classes; k++) grad[o + k] /= sum;
    grad[o + labels[i]] -= 1.0;
    for (let k = 0; k < classes; k++) grad[o + k] /= batch;
  }
  return { loss: total / batch, grad };
}

/**
 * One step of plain SGD on the mean softmax cross-entropy of the batch (x, labels), in
 * place: W -= lr dL/dW, b -= lr dL/db for every layer. Returns the loss before the step,
 * as winit.networks.train_sgd (one step, that batch). A non-finite loss leaves the net as
 * it was.
 */
function sgdStep(net, x, labels, batch, lr) {
  if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) {
    _net_fail(RangeError, "lr", "a positive finite number (the learning rate)", lr);
  }
  const s = net.sizes, L = s.length - 1;
  const cache = forward(net, x, batch);
  if (!net._sgdGrad || net._sgdGrad.length !== batch * s[L]) net._sgdGrad = new Float64Array(batch * s[L]);
  const { loss } = softmaxCrossEntropy(cache.pre[L - 1], labels, batch, s[L], net._sgdGrad);
  if (!Number.isFinite(loss)) return loss;
  const { gradW, gradB } = backward(net, cache, net._sgdGrad);
  for (let l = 0; l < L; l++) {
    const W = net.weights[l], gW = gradW[l], b = net.biases[l], gb = gradB[l];
    for (let i = 0; i < W.length; i++) W[i] -= lr * gW[i];
    for (let j = 0; j < b.length; j++) b[j] -= lr * gb[j];
  }
  return loss;
}

// mean, std (population, two passes) and root mean square of an array, as numpy computes
// them; where the squares overflow or underflow, those of a / max|a| (winit._numerics).
function _net_moments(a) {
  const n = a.length;
  if (n === 0) return { mean: NaN, std: NaN, rms: NaN };
  let sum = 0.0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) { const v = a[i]; sum += v; if (v < lo) lo = v; if (v > hi) hi = v; }
  let mean = sum / n;
  let dev = 0.0, sq = 0.0;
  for (let i = 0; i < n; i++) { const v = a[i], d = v - mean; dev += d * d; sq += v * v; }
  let std = Math.sqrt(dev / n), rms = Math.sqrt(sq / n);
  const scale = Math.max(Math.abs(lo), Math.abs(hi));
  const small = 1.4916681462400413e-154 / 2.220446049250313e-16; // sqrt(tiny) / eps
  const redo = (s) => !Number.isFinite(s) || (s < small && hi !== lo);
  if (Number.isFinite(scale) && scale > 0 && (!Number.isFinite(mean) || redo(std) || redo(rms))) {
    let m = 0.0;
    for (let i = 0; i < n; i++) m += a[i] / scale;
    m /= n;
    let d2 = 0.0, s2 = 0.0;
    for (let i = 0; i < n; i++) { const v = a[i] / scale, d = v - m; d2 += d * d; s2 += v * v; }
    if (!Number.isFinite(mean)) mean = m * scale;
    if (redo(std)) std = Math.sqrt(d2 / n) * scale;
    if (redo(rms)) rms = Math.sqrt(s2 / n) * scale;
  }
  return { mean, std, rms };
}

/**
 * Per-layer statistics of a list of arrays (one per layer, e.g. forward's post, or
 * backward's gradPre), each over all its batch * width values, as the depth explorer
 * (winit.book.browser.depth.depth_signals) computes them: numpy's mean, population std and the
 * root mean square. width: a number, or one per layer, or omitted (not checked).
 * Returns { mean, std, rms }, each a Float64Array with one value per layer.
 */
function layerStats(arrays, batch, width) {
  const n = arrays.length;
  const out = { mean: new Float64Array(n), std: new Float64Array(n), rms: new Float64Array(n) };
  for (let l = 0; l < n; l++) {
    const w = Array.isArray(width) ? width[l] : width;
    if (batch !== undefined && w !== undefined && arrays[l].length !== batch * w) {
      _net_fail(RangeError, `arrays[${l}]`, `${batch} * ${w} numbers long`, arrays[l].length);
    }
    const m = _net_moments(arrays[l]);
    out.mean[l] = m.mean; out.std[l] = m.std; out.rms[l] = m.rms;
  }
  return out;
}

// The mean-field theory (winit.meanfield).

// Panel edges of winit.meanfield's composite rule, in z: the Gaussian's own scale
// (meanfield._GAUSS_EDGES); the activation's scale adds 0 and +-e, 2e, 4e, ... (e = 1/sqrt q).
const _NET_GAUSS_EDGES = [-9.0, -6.5, -5.0, -4.0, -3.0, -2.0, -1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.5, 9.0];
const _NET_Z_MAX = 9.0;

/**
 * winit.meanfield's composite Gauss-Legendre rule for E_z[F(sqrt(q) z)], z ~ N(0, 1):
 * nodes and weights (Float64Array each) with sum_i w[i] F(sqrt(q) z[i]) = E[F]. `nodes` and
 * `weights` are the Gauss-Legendre rule on [-1, 1] that winit uses
 * (numpy.polynomial.legendre.leggauss(winit.meanfield.N_POINTS)), handed in from Python.
 */
function meanFieldRule(q, nodes, weights) {
  const edges = _NET_GAUSS_EDGES.concat([0.0]);
  if (q > 1.0) {
    const e = 1.0 / Math.sqrt(q);
    const top = Math.min(1.0, 2048.0 * e);
    if (e < top) {
      const n = Math.ceil(Math.log2(top / e));
      for (let k = 0; k < n; k++) { const g = e * 2.0 ** k; edges.push(-g, g); }
    }
  }
  const b = Float64Array.from(edges, (v) => Math.min(Math.max(v, -_NET_Z_MAX), _NET_Z_MAX)).sort();
  const m = nodes.length, panels = b.length - 1;
  const z = new Float64Array(panels * m), w = new Float64Array(panels * m);
  const c = 1.0 / Math.sqrt(2.0 * Math.PI);
  for (let p = 0; p < panels; p++) {
    const mid = 0.5 * (b[p + 1] + b[p]), half = 0.5 * (b[p + 1] - b[p]);
    for (let j = 0; j < m; j++) {
      const t = mid + half * nodes[j];
      z[p * m + j] = t;
      w[p * m + j] = half * weights[j] * Math.exp(-0.5 * t * t) * c;
    }
  }
  return { z, w };
}

/** E_z[f(sqrt(q) z)] for z ~ N(0, 1) by winit.meanfield's rule (meanfield.expect): f(0) at q = 0. */
function gaussExpect(f, q, nodes, weights) {
  if (q === 0) return f(0.0);
  const { z, w } = meanFieldRule(q, nodes, weights);
  const r = Math.sqrt(q);
  let s = 0.0;
  for (let i = 0; i < z.length; i++) if (w[i] !== 0) s += w[i] * f(r * z[i]);
  return s;
}

/**
 * The length map iterated: q[0] = q0, the first hidden layer's pre-activation variance
 * (sigmaW2 * the inputs' mean square + sigmaB2), and q[l] = sigmaW2 E[phi(sqrt(q[l-1]) z)^2]
 * + sigmaB2 (winit.meanfield.length_map), for `depth` hidden layers. Also the theory of
 * each layer's activations h = phi(z): mean E[phi], rms sqrt(E[phi^2]) and std. Closed
 * forms for ReLU, leaky ReLU and linear, as winit. Returns { q, mean, std, rms }, each a
 * Float64Array(depth); Infinity from the first layer whose variance overflows.
 */
function lengthMapLine(activation, sigmaW2, sigmaB2, q0, depth, nodes, weights) {
  const act = _net_activation(activation);
  _net_count(depth, "depth", "the number of hidden layers");
  const out = { q: new Float64Array(depth), mean: new Float64Array(depth), std: new Float64Array(depth),
                rms: new Float64Array(depth) };
  const f = act.f, f2 = (u) => { const v = f(u); return v * v; };
  let q = q0;
  for (let l = 0; l < depth; l++) {
    out.q[l] = q;
    let mean, meanSq;
    if (!(q < Infinity)) {
      mean = meanSq = Infinity;
    } else if (act.slopes) {
      const [a, b] = act.slopes;
      meanSq = q * (0.5 * (a * a + b * b));
      mean = (a - b) * Math.sqrt(q) * _NET_INV_SQRT_2PI;
    } else {
      mean = gaussExpect(f, q, nodes, weights);
      meanSq = gaussExpect(f2, q, nodes, weights);
    }
    out.mean[l] = mean;
    out.rms[l] = Math.sqrt(meanSq);
    out.std[l] = Number.isFinite(meanSq) ? Math.sqrt(Math.max(meanSq - mean * mean, 0.0)) : Infinity;
    q = sigmaW2 * meanSq + sigmaB2;
  }
  return out;
}

/**
 * chi_1 at each variance q[l]: sigmaW2 E[phi'(sqrt(q[l]) z)^2] (winit.meanfield.chi_1 with
 * q=q[l]), the factor by which the mean square of the back-propagated gradient changes
 * from layer l+1 down to layer l. Float64Array like q.
 */
function chi1Line(activation, sigmaW2, q, nodes, weights) {
  const act = _net_activation(activation);
  const out = new Float64Array(q.length);
  const df2 = (u) => { const v = act.df(u); return v * v; };
  for (let l = 0; l < q.length; l++) {
    if (act.slopes) {
      const [a, b] = act.slopes;
      out[l] = sigmaW2 * (0.5 * (a * a + b * b));
    } else {
      out[l] = q[l] < Infinity ? sigmaW2 * gaussExpect(df2, q[l], nodes, weights) : NaN;
    }
  }
  return out;
}

/**
 * The gradient theory line: the spread of dLoss/dz_l per hidden layer, from `last` at the
 * last hidden layer down to the first, each layer multiplying it by sqrt(chi_1(q[l]))
 * (chi1Line): the variances q[l] from lengthMapLine. At q[l] = q* this is the chapters'
 * factor per layer, sqrt(winit.meanfield.chi_1(sigma_w2, sigma_b2, activation)).
 * Returns Float64Array(q.length).
 */
function gradientLine(activation, sigmaW2, q, last, nodes, weights) {
  const chi = chi1Line(activation, sigmaW2, q, nodes, weights);
  const n = q.length, out = new Float64Array(n);
  out[n - 1] = last;
  for (let l = n - 2; l >= 0; l--) out[l] = out[l + 1] * Math.sqrt(chi[l]);
  return out;
}
