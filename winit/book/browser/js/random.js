// @exports makeRng deriveSeed fillUniform fillNormal fillTruncatedNormal SCHEMES sampleWeights normalCdf normalPdf erf histogram
// Seeded generator, samplers, initialisation schemes, the normal distribution.
// Weights are Float64Array in the (fanIn, fanOut) row-major layout of winit.networks.init_weights
// (x @ W: W[i * fanOut + j] joins input i to output j). Bad arguments throw an Error
// "NAME must be WHAT; got GOT", as winit's ValueError/TypeError do.

const _RAND_TWO32 = 4294967296;
const _RAND_GOLDEN = 0x9e3779b9; // 2**32 / golden ratio: splitmix32's increment
const _RAND_INV_SQRT_2PI = 0.3989422804014327;
// winit.schemes.TRUNCATED_NORMAL_STD: the std of N(0, 1) truncated to [-2, 2] (Keras's constant).
const _RAND_TRUNCATED_STD = 0.87962566103423978;

// Throw "name must be what; got value".
function _rand_fail(name, what, got) {
  const shown = typeof got === "string" ? JSON.stringify(got)
    : (got && typeof got === "object") ? (got.constructor ? got.constructor.name : "object") : String(got);
  throw new Error(`${name} must be ${what}; got ${shown}`);
}

// An integer 0 <= x < 2**32 (a seed or a stream number), else an Error naming `name`.
function _rand_uint32Arg(x, name) {
  if (!Number.isInteger(x) || x < 0 || x >= _RAND_TWO32) _rand_fail(name, `an integer 0 <= ${name} < 2**32`, x);
  return x >>> 0;
}

// A fan: an integer >= 1, else an Error naming `name`.
function _rand_fan(x, name) {
  const what = name === "fanIn" ? "inputs" : "outputs";
  if (!Number.isSafeInteger(x) || x < 1) _rand_fail(name, `an integer >= 1 (${what} of the layer)`, x);
  return x;
}

// A spread (bound, std or gain): a finite number >= 0.
function _rand_spread(x, name) {
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0) _rand_fail(name, "a finite number >= 0", x);
  return x;
}

// A generator from makeRng, else an Error.
function _rand_rngArg(rng) {
  if (!rng || typeof rng.normal !== "function" || typeof rng.uniform !== "function") {
    _rand_fail("rng", "a generator from makeRng(seed)", rng);
  }
}

// The arguments every fill takes: a generator from makeRng and a Float64Array.
function _rand_fillArgs(rng, out) {
  _rand_rngArg(rng);
  if (!(out instanceof Float64Array)) _rand_fail("out", "a Float64Array", out);
}

// splitmix32's output function (MurmurHash3's fmix32 finaliser, Appleby): a bijection of uint32
// that mixes every input bit into every output bit. splitmix32 = this applied to a Weyl sequence
// x += 0x9e3779b9 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).
function _rand_mix32(z) {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

// makeRng(seed) -> { uint32(), uniform(), normal() }: xoshiro128** (Blackman & Vigna, "Scrambled
// linear pseudorandom number generators", ACM TOMS 47(4), 2021; period 2**128 - 1), its 128-bit
// state the first four outputs of splitmix32 from `seed` (an integer 0 <= seed < 2**32; never all
// zero, as fmix32 is a bijection). uint32: the next 32-bit integer. uniform: a double in [0, 1)
// with 53 random bits, ((a >>> 5) * 2**26 + (b >>> 6)) / 2**53 from two draws. normal: N(0, 1) by
// Marsaglia's polar method (Marsaglia & Bray, SIAM Review 6(3), 1964), which makes two values per
// accepted point: the second is cached and returned by the next call.
function makeRng(seed) {
  let x = _rand_uint32Arg(seed, "seed");
  const split = () => _rand_mix32(x = (x + _RAND_GOLDEN) >>> 0) | 0;
  let s0 = split(), s1 = split(), s2 = split(), s3 = split();
  let spare = 0, hasSpare = false;
  function uint32() {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }
  function uniform() {
    return ((uint32() >>> 5) * 67108864 + (uint32() >>> 6)) / 9007199254740992;
  }
  function normal() {
    if (hasSpare) { hasSpare = false; return spare; }
    let u, v, s;
    do { // (u, v) uniform in the square (-1, 1)^2 (2 * uniform - 1 is exact), kept inside the unit disc
      u = 2 * uniform() - 1; v = 2 * uniform() - 1; s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt(-2 * Math.log(s) / s);
    spare = v * f; hasSpare = true;
    return u * f;
  }
  return { uint32, uniform, normal };
}

// deriveSeed(seed, ...ints) -> uint32: the seed of an independent stream (per layer, per purpose),
// each argument an integer 0 <= v < 2**32. h = fmix32(seed ^ K), then h = fmix32((h ^ v) + golden)
// per int: for a fixed seed and prefix, different last ints give different seeds (a bijection).
function deriveSeed(seed, ...ints) {
  let h = _rand_mix32((_rand_uint32Arg(seed, "seed") ^ 0x85ebca77) >>> 0);
  ints.forEach((v, k) => {
    h = _rand_mix32(((h ^ _rand_uint32Arg(v, `ints[${k}]`)) + _RAND_GOLDEN) >>> 0);
  });
  return h;
}

// fillUniform(rng, out, bound): out[i] ~ U[-bound, bound), as numpy's uniform(-bound, bound):
// -bound + 2 bound u. Returns out.
function fillUniform(rng, out, bound) {
  _rand_fillArgs(rng, out);
  const b = _rand_spread(bound, "bound"), w = 2 * b;
  for (let i = 0; i < out.length; i++) out[i] = -b + w * rng.uniform();
  return out;
}

// fillNormal(rng, out, std): out[i] ~ N(0, std**2). Returns out.
function fillNormal(rng, out, std) {
  _rand_fillArgs(rng, out);
  const s = _rand_spread(std, "std");
  for (let i = 0; i < out.length; i++) out[i] = s * rng.normal();
  return out;
}

// fillTruncatedNormal(rng, out, std): winit.schemes' (and Keras's) truncated normal whose
// standard deviation is `std`: out[i] = sigma Z, Z ~ N(0, 1) redrawn until |Z| <= 2, and
// sigma = std / 0.87962566103423978 (the std of Z so truncated). Returns out.
function fillTruncatedNormal(rng, out, std) {
  _rand_fillArgs(rng, out);
  const sigma = _rand_spread(std, "std") / _RAND_TRUNCATED_STD;
  for (let i = 0; i < out.length; i++) {
    let z;
    do { z = rng.normal(); } while (z > 2 || z < -2);
    out[i] = sigma * z;
  }
  return out;
}

// SCHEMES: { name: { label, family, spread(fanIn, fanOut) } }, winit.schemes.SCALINGS
// (name: scale p/q, mode, distribution) plus "orthogonal". spread: the bound of a uniform
// scheme, sqrt(3 scale c) / sqrt(d), else the weights' std sqrt(p c / (q d)), with n = d / c
// the mode's fan: computed as winit.schemes.scheme_bound / scheme_std do, to the bit.
// Orthogonal: each weight's std, 1 / sqrt(max(fanIn, fanOut)) (Saxe et al., ICLR 2014).
const SCHEMES = (() => {
  const table = {
    xavier: [1, 3, "fan_in", "uniform", "Xavier (tutorial): U[±1/√n]"],
    normalized_xavier: [1, 1, "fan_avg", "uniform", "Normalized Xavier: U[±√6/√(n+m)]"],
    he: [2, 1, "fan_in", "normal", "He: N(0, 2/n)"],
    lecun: [1, 1, "fan_in", "normal", "LeCun: N(0, 1/n)"],
    glorot_uniform: [1, 1, "fan_avg", "uniform", "Glorot uniform (Keras)"],
    glorot_normal: [1, 1, "fan_avg", "truncated_normal", "Glorot normal (Keras, truncated)"],
    he_uniform: [2, 1, "fan_in", "uniform", "He uniform (Keras)"],
    he_normal: [2, 1, "fan_in", "truncated_normal", "He normal (Keras, truncated)"],
    lecun_uniform: [1, 1, "fan_in", "uniform", "LeCun uniform (Keras)"],
    lecun_normal: [1, 1, "fan_in", "truncated_normal", "LeCun normal (Keras, truncated)"],
  };
  const schemes = {};
  for (const [name, [p, q, mode, family, label]] of Object.entries(table)) {
    const spread = (fanIn, fanOut) => {
      const n = _rand_fan(fanIn, "fanIn"), m = _rand_fan(fanOut, "fanOut");
      const [c, d] = mode === "fan_in" ? [1, n] : [2, n + m];
      return family === "uniform" ? Math.sqrt(3 * (p / q) * c) / Math.sqrt(d) : Math.sqrt((p * c) / (q * d));
    };
    schemes[name] = Object.freeze({ label, family, spread });
  }
  schemes.orthogonal = Object.freeze({
    label: "Orthogonal (Saxe et al. 2014)", family: "orthogonal",
    spread: (fanIn, fanOut) => 1 / Math.sqrt(Math.max(_rand_fan(fanIn, "fanIn"), _rand_fan(fanOut, "fanOut"))),
  });
  return Object.freeze(schemes);
})();

// sampleWeights(name, fanIn, fanOut, rng, gain = 1) -> Float64Array(fanIn * fanOut), row-major
// (fanIn, fanOut): scheme `name` of SCHEMES with its spread times `gain` (gain**2 times the
// variance, as Keras's scale), or for "orthogonal" gain times a Haar-random matrix with
// orthonormal columns (fanIn >= fanOut) or rows (fanIn < fanOut), as winit.schemes.orthogonal.
function sampleWeights(name, fanIn, fanOut, rng, gain = 1) {
  if (typeof name !== "string" || !Object.hasOwn(SCHEMES, name)) {
    _rand_fail("name", `one of ${Object.keys(SCHEMES).join(", ")}`, name);
  }
  const scheme = SCHEMES[name], spread = scheme.spread(fanIn, fanOut), g = _rand_spread(gain, "gain");
  if (fanIn * fanOut > 2 ** 25) _rand_fail("fanIn * fanOut", "at most 2**25 (256 MiB of weights)", fanIn * fanOut);
  if (scheme.family === "orthogonal") return _rand_orthogonal(fanIn, fanOut, rng, g);
  const out = new Float64Array(fanIn * fanOut);
  const fill = { uniform: fillUniform, normal: fillNormal, truncated_normal: fillTruncatedNormal }[scheme.family];
  return fill(rng, out, g * spread);
}

// A (rows, cols) row-major matrix gain * Q, Q Haar-random with orthonormal columns or rows: the
// Q factor, signs fixed by diag(R), of the Householder QR A = QR of an (M, N) = (max, min) matrix
// A of i.i.d. N(0, 1) entries, as winit.schemes.orthogonal (Mezzadri, Notices AMS 54(5), 2007).
// QR makes reflections H_k = I - tau v v^T (Golub & Van Loan, Matrix Computations, Alg. 5.1.1)
// with H_k mapping column k of H_{k-1}...H_0 A, rows k..M-1, to R_kk e_1. That column is N(0, I)
// and independent of H_0..H_{k-1} (A's law is rotation invariant), so it is drawn fresh instead of
// updated: the same law for Q at half the work (Stewart, SIAM J. Numer. Anal. 17(3), 1980).
// Q = H_0...H_{N-1} I[:, :N] is accumulated from the right (Alg. 5.1.2), 4 columns per pass.
// Column-major work arrays (column j at j*M) keep the loops contiguous; rows < cols gives Q^T,
// whose row-major layout is Q's column-major one.
function _rand_orthogonal(rows, cols, rng, gain) {
  _rand_rngArg(rng);
  const M = Math.max(rows, cols), N = Math.min(rows, cols);
  const v = new Float64Array(M * N), tau = new Float64Array(N), sign = new Float64Array(N);
  for (let k = 0; k < N; k++) { // H_k maps x = column k, rows k..M-1, to beta e_1: R_kk = beta
    const ck = k * M;
    for (let i = ck + k; i < ck + M; i++) v[i] = rng.normal();
    const alpha = v[ck + k];
    let ss = 0;
    for (let i = ck + k + 1; i < ck + M; i++) ss += v[i] * v[i];
    if (ss === 0) { sign[k] = alpha < 0 ? -1 : 1; continue; } // H_k = I (tau 0), R_kk = alpha
    const beta = alpha >= 0 ? -Math.sqrt(alpha * alpha + ss) : Math.sqrt(alpha * alpha + ss);
    tau[k] = (beta - alpha) / beta; sign[k] = beta < 0 ? -1 : 1;
    const scale = 1 / (alpha - beta); // v = (1, x[1:] / (alpha - beta)), the 1 implicit
    for (let i = ck + k + 1; i < ck + M; i++) v[i] *= scale;
  }
  const q = new Float64Array(M * N);
  for (let j = 0; j < N; j++) q[j * M + j] = 1;
  for (let k = N - 1; k >= 0; k--) { // q[:, k:] <- H_k q[:, k:] (columns < k are still e_j)
    const t = tau[k], ck = k * M;
    if (t === 0) continue;
    let j = k;
    for (; j + 3 < N; j += 4) { // w = tau v^T q_j, q_j -= w v for four columns in one pass
      const c0 = j * M, c1 = c0 + M, c2 = c1 + M, c3 = c2 + M;
      let w0 = q[c0 + k], w1 = q[c1 + k], w2 = q[c2 + k], w3 = q[c3 + k];
      for (let i = k + 1; i < M; i++) {
        const x = v[ck + i];
        w0 += x * q[c0 + i]; w1 += x * q[c1 + i]; w2 += x * q[c2 + i]; w3 += x * q[c3 + i];
      }
      w0 *= t; w1 *= t; w2 *= t; w3 *= t;
      q[c0 + k] -= w0; q[c1 + k] -= w1; q[c2 + k] -= w2; q[c3 + k] -= w3;
      for (let i = k + 1; i < M; i++) {
        const x = v[ck + i];
        q[c0 + i] -= w0 * x; q[c1 + i] -= w1 * x; q[c2 + i] -= w2 * x; q[c3 + i] -= w3 * x;
      }
    }
    for (; j < N; j++) {
      const cj = j * M;
      let w = q[cj + k];
      for (let i = k + 1; i < M; i++) w += v[ck + i] * q[cj + i];
      w *= t;
      q[cj + k] -= w;
      for (let i = k + 1; i < M; i++) q[cj + i] -= w * v[ck + i];
    }
  }
  for (let j = 0; j < N; j++) { // the sign fix, Q diag(sign R_jj), and the gain
    const f = gain * sign[j], cj = j * M;
    for (let i = 0; i < M; i++) q[cj + i] *= f;
  }
  if (rows < cols) return q;
  const out = new Float64Array(rows * cols); // (M, N) row-major from column-major
  for (let j = 0; j < N; j++) for (let i = 0; i < M; i++) out[i * N + j] = q[j * M + i];
  return out;
}

// winit.activations' rule for the normal distribution function, ported on purpose (the same rule
// in both languages): winit/activations.py's _normal_cdf, and _RAND_G its _G_COEFFS. With
// u = |x|, Phi(-u) = exp(-u**2 / 2) G(u), G a degree-27 Chebyshev interpolant on [0, 4] and
// Laplace's continued fraction (32 terms) beyond; the Taylor series 1/2 + x T(x**2) below 1/2.
const _RAND_G = [
  0.1681020012231706, -0.12547655591018292, 0.08525089062597538, -0.05363422037894345,
  0.03161667024702991, -0.01761404010552861, 0.009335086761053104, -0.004730830482602537,
  0.002302128138524262, -0.0010794232635187246, 0.0004890819556335307, -0.0002146695701944596,
  9.147076585817812e-05, -3.790730684927866e-05, 1.530394876462039e-05, -6.0276199011422115e-06,
  2.3188282880913833e-06, -8.725228523438862e-07, 3.2184055440172086e-07,
  -1.1615418916122496e-07, 4.0604106735397e-08, -1.4132764431122216e-08,
  5.257135054772065e-09, -1.7510443804235387e-09, 3.424477988160571e-10,
  -1.1569890687734496e-10, 1.1244279462157258e-10, -3.4745177051214536e-11,
];
// b_n = (-1)**n / (sqrt(2 pi) 2**n n! (2n + 1)), n = 0..10: Phi(x) = 1/2 + x sum b_n x**(2n).
const _RAND_TAYLOR = Array.from({ length: 11 }, (_, n) => {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return ((-1) ** n * _RAND_INV_SQRT_2PI) / (2 ** n * f * (2 * n + 1));
});

// exp(-u**2 / 2) for u >= 0 without the rounding of u**2: exp(-a**2/2) exp(-(u-a)(u+a)/2), a = u
// rounded down to a multiple of 1/1024 (a**2 exact). u is capped at 40, where the result is 0.
function _rand_gauss(u) {
  u = Math.min(u, 40);
  const a = Math.floor(u * 1024) / 1024;
  return Math.exp(-0.5 * (a * a)) * Math.exp(-0.5 * ((u - a) * (u + a)));
}

// Phi(-u) for u >= 1/2 (winit's rule, above).
function _rand_lowerTail(u) {
  u = Math.min(u, 40);
  let g;
  if (u >= 4) {
    let t = u;
    for (let k = 32; k > 0; k--) t = u + k / t;
    g = _RAND_INV_SQRT_2PI / t;
  } else {
    const s = u * 0.5 - 1;
    g = _RAND_G[27];
    for (let k = 26; k >= 0; k--) g = g * s + _RAND_G[k];
  }
  return _rand_gauss(u) * g;
}

// x T(x**2) = Phi(x) - 1/2 for |x| < 1/2 (Taylor series, 11 terms).
function _rand_taylor(x) {
  const x2 = x * x;
  let t = _RAND_TAYLOR[10];
  for (let k = 9; k >= 0; k--) t = t * x2 + _RAND_TAYLOR[k];
  return x * t;
}

// normalCdf(x): Phi(x), the standard normal distribution function, to ~5e-16 relative wherever
// it is a normal double (winit.activations._normal_cdf's rule). NaN gives NaN.
function normalCdf(x) {
  const u = Math.abs(x);
  if (u < 0.5) return 0.5 + _rand_taylor(x);
  const lower = _rand_lowerTail(u);
  return x > 0 ? 1 - lower : lower;
}

// normalPdf(x): phi(x) = exp(-x**2 / 2) / sqrt(2 pi), with exp(-x**2/2) as in normalCdf.
function normalPdf(x) {
  return _RAND_INV_SQRT_2PI * _rand_gauss(Math.abs(x));
}

// erf(x) = 2 Phi(x sqrt 2) - 1 by the same rule: 2 t T(t**2) for |t| < 1/2 (no cancellation
// near 0), else sign(x) (1 - 2 Phi(-|t|)), t = x sqrt 2. About 1e-15 relative.
function erf(x) {
  const t = x * Math.SQRT2, u = Math.abs(t);
  if (u < 0.5) return 2 * _rand_taylor(t);
  const r = 1 - 2 * _rand_lowerTail(u);
  return x < 0 ? -r : r;
}

// histogram(values, lo, hi, bins) -> { edges: Float64Array(bins + 1), counts, density:
// Float64Array(bins) }, numpy.histogram(values, bins, range=(lo, hi)) to the bit: edges
// lo + i (hi - lo) / bins with the last one hi; values outside [lo, hi] (and NaN) are left out;
// the last bin holds hi; density = counts / width / total (all 0 when nothing falls inside).
function histogram(values, lo, hi, bins) {
  if (!(ArrayBuffer.isView(values) || Array.isArray(values))) {
    _rand_fail("values", "an array of numbers", values);
  }
  if (typeof lo !== "number" || !Number.isFinite(lo)) _rand_fail("lo", "a finite number", lo);
  if (typeof hi !== "number" || !Number.isFinite(hi) || !(hi > lo)) _rand_fail("hi", `a finite number > lo = ${lo}`, hi);
  if (!Number.isSafeInteger(bins) || bins < 1) _rand_fail("bins", "an integer >= 1", bins);
  const edges = new Float64Array(bins + 1), counts = new Float64Array(bins), density = new Float64Array(bins);
  const delta = hi - lo, step = delta / bins;
  for (let i = 0; i < bins; i++) edges[i] = (step === 0 ? (i / bins) * delta : i * step) + lo;
  edges[bins] = hi;
  let total = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(v >= lo && v <= hi)) continue;
    let i = Math.trunc(((v - lo) / delta) * bins);
    if (i === bins) i--;
    if (v < edges[i]) i--; // numpy's one-ulp corrections at the edges
    else if (i !== bins - 1 && v >= edges[i + 1]) i++;
    counts[i]++; total++;
  }
  if (total > 0) for (let i = 0; i < bins; i++) density[i] = counts[i] / (edges[i + 1] - edges[i]) / total;
  return { edges, counts, density };
}
