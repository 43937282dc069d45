"""random.js, the explorers' sampling fragment, run in Chromium as a widget imports it.

Expected values come from winit.schemes (the spreads), scipy (the distributions, Phi, erf),
numpy (histogram) and a plain-Python transcription of the published generators; never from
the JavaScript under test. The KS tests' seeds are fixed, so their p-values are too.
"""

import base64
import json
import math

import numpy as np
import pytest
from scipy import special, stats

from _browser import call, load
from winit.book.browser import esm
from winit.schemes import SCALINGS, TRUNCATED_NORMAL_STD, scheme_bound, scheme_std

FAMILIES = {name: ("truncated_normal" if dist == "truncated_normal" else
                   "uniform" if dist == "uniform" else "normal")
            for name, (_, _, dist) in SCALINGS.items()}

# Float64Array -> base64 of its bytes: exact, and 20 times faster than Playwright's own transfer.
B64_JS = """(a) => { const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength); let s = "";
  for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode(...u.subarray(i, i + 8192));
  return btoa(s); }"""

# draw(name, fanIn, fanOut, seed, count, gain): `count` weights from sampleWeights, matrix after
# matrix from one generator, as a widget draws its layers.
DRAW_JS = """([name, fanIn, fanOut, seed, count, gain]) => {
  const rng = window.M.makeRng(seed), out = new Float64Array(count);
  for (let k = 0; k < count;) {
    const w = window.M.sampleWeights(name, fanIn, fanOut, rng, gain);
    const take = Math.min(w.length, count - k);
    out.set(w.subarray(0, take), k); k += take;
  }
  return (%s)(out);
}""" % B64_JS

# matrices(fanIn, fanOut, seed, count): `count` orthogonal matrices from one generator, flat.
MATRICES_JS = """([fanIn, fanOut, seed, count]) => {
  const rng = window.M.makeRng(seed), out = new Float64Array(count * fanIn * fanOut);
  for (let k = 0; k < count; k++) out.set(window.M.sampleWeights("orthogonal", fanIn, fanOut, rng), k * fanIn * fanOut);
  return (%s)(out);
}""" % B64_JS


@pytest.fixture(scope="module")
def page(js_page):
    load(js_page, esm())
    return js_page


def floats(text):
    """The float64 array a page sent as base64 bytes."""
    return np.frombuffer(base64.b64decode(text), "<f8")


def draw(page, name, fan_in, fan_out, seed, count, gain=1.0):
    return floats(page.evaluate(DRAW_JS, [name, fan_in, fan_out, seed, count, gain]))


def error(page, expression):
    """The message of the Error that `expression` (over M) throws."""
    return page.evaluate(f"() => {{ const M = window.M; try {{ {expression}; }} "
                         "catch (e) { return e instanceof Error ? e.message : 'not an Error'; } "
                         "return 'no error'; }")


@pytest.mark.browser
def test_the_module_exports_the_contract(page):
    names = load(page, esm())
    assert set(names) >= {"makeRng", "deriveSeed", "fillUniform", "fillNormal", "fillTruncatedNormal",
                          "SCHEMES", "sampleWeights", "normalCdf", "normalPdf", "erf", "histogram"}
    schemes = page.evaluate("() => Object.fromEntries(Object.entries(window.M.SCHEMES)"
                            ".map(([k, s]) => [k, [s.family, typeof s.label, s.label.length]]))")
    assert set(schemes) == set(SCALINGS) | {"orthogonal"}
    for name, (family, label_type, label_length) in schemes.items():
        assert family == FAMILIES.get(name, "orthogonal")
        assert label_type == "string" and label_length > 0


# ---- the generator: the published algorithms, transcribed ---------------------------------

def _splitmix32(seed):
    x = seed
    while True:
        x = (x + 0x9E3779B9) & 0xFFFFFFFF
        z = x
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & 0xFFFFFFFF
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
        yield z ^ (z >> 16)


def _xoshiro128ss(seed):
    """Blackman & Vigna's xoshiro128** (their C code, prng.di.unimi.it), state from splitmix32."""
    split = _splitmix32(seed)
    s = [next(split) for _ in range(4)]
    rotl = lambda v, k: ((v << k) | (v >> (32 - k))) & 0xFFFFFFFF  # noqa: E731
    while True:
        result = (rotl((s[1] * 5) & 0xFFFFFFFF, 7) * 9) & 0xFFFFFFFF
        t = (s[1] << 9) & 0xFFFFFFFF
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        yield result


@pytest.mark.browser
@pytest.mark.parametrize("seed", [0, 1, 2**32 - 1])
def test_the_generator_is_xoshiro128ss_seeded_by_splitmix32(page, seed):
    stream = page.evaluate("(seed) => { const r = window.M.makeRng(seed); return Array.from("
                           "{length: 64}, () => r.uint32()); }", seed)
    ref = _xoshiro128ss(seed)
    assert stream == [next(ref) for _ in range(64)]
    # uniform: 53 bits from two draws; normal: Marsaglia's polar method on those uniforms
    got = page.evaluate("(seed) => { const r = window.M.makeRng(seed); return [Array.from("
                        "{length: 8}, () => r.uniform()), Array.from({length: 8}, () => r.normal())]; }", seed)
    ref = _xoshiro128ss(seed)
    uniform = lambda: ((next(ref) >> 5) * 2.0**26 + (next(ref) >> 6)) / 2.0**53  # noqa: E731
    assert got[0] == [uniform() for _ in range(8)]
    normals = []
    while len(normals) < 8:
        u, v = 2 * uniform() - 1, 2 * uniform() - 1
        s = u * u + v * v
        if 0 < s < 1:
            f = math.sqrt(-2 * math.log(s) / s)
            normals += [u * f, v * f]
    np.testing.assert_allclose(got[1], normals, rtol=1e-14)


@pytest.mark.browser
def test_the_same_seed_gives_the_same_numbers_and_others_differ(page):
    a = draw(page, "he", 50, 20, 7, 1000)
    assert np.array_equal(a, draw(page, "he", 50, 20, 7, 1000))
    assert not np.any(a == draw(page, "he", 50, 20, 8, 1000))
    q = draw(page, "orthogonal", 30, 20, 7, 600)
    assert np.array_equal(q, draw(page, "orthogonal", 30, 20, 7, 600))
    seeds = page.evaluate("""() => { const d = window.M.deriveSeed; return [d(7), d(7, 0), d(7, 1),
      d(8, 0), d(7, 0, 0), d(7, 0, 1), d(7, 1, 0), d(7, 0), d(0), d(2 ** 32 - 1, 2 ** 32 - 1)]; }""")
    assert seeds[1] == seeds[7]  # deterministic
    distinct = seeds[:7] + seeds[8:]
    assert len(set(distinct)) == len(distinct) and 7 not in distinct
    assert all(isinstance(s, int) and 0 <= s < 2**32 for s in seeds)
    streams = [draw(page, "lecun", 10, 10, s, 100) for s in (7, *seeds[1:3])]
    assert not np.any(streams[0] == streams[1]) and not np.any(streams[1] == streams[2])


@pytest.mark.browser
def test_uniform_draws_are_53_bit_doubles_in_0_1(page):
    u = floats(page.evaluate(f"() => {{ const r = window.M.makeRng(3); return ({B64_JS})("
                             "Float64Array.from({length: 20000}, () => r.uniform())); }"))
    assert u.min() >= 0 and u.max() < 1
    assert np.array_equal(u * 2.0**53, np.floor(u * 2.0**53))
    assert stats.kstest(u, "uniform").pvalue > 1e-3


# ---- the schemes: spreads and distributions ------------------------------------------------

FANS = [(1, 1), (1, 1000), (1000, 1), (2, 3), (3, 2), (7, 613), (613, 7), (100, 100), (255, 256),
        (784, 10), (999, 1000), (4096, 4096), (10**6, 3)] + [
    tuple(int(v) for v in pair) for pair in np.random.default_rng(21).integers(1, 2000, (40, 2))]


@pytest.mark.browser
def test_each_schemes_spread_is_winits_to_the_bit(page):
    spreads = page.evaluate("(fans) => Object.fromEntries(Object.entries(window.M.SCHEMES).map("
                            "([k, s]) => [k, fans.map(([n, m]) => s.spread(n, m))]))", FANS)
    for name in SCALINGS:
        expected = [scheme_bound(name, n, m) if FAMILIES[name] == "uniform" else scheme_std(name, n, m)
                    for n, m in FANS]
        assert spreads[name] == expected, name
    assert spreads["orthogonal"] == [1 / math.sqrt(max(n, m)) for n, m in FANS]


def exact(name, fan_in, fan_out, factor=1.0):
    """The distribution winit draws scheme `name` from, its spread times `factor` (scipy)."""
    if FAMILIES[name] == "uniform":
        bound = factor * scheme_bound(name, fan_in, fan_out)
        return stats.uniform(-bound, 2 * bound)
    std = factor * scheme_std(name, fan_in, fan_out)
    if FAMILIES[name] == "normal":
        return stats.norm(0, std)
    return stats.truncnorm(-2, 2, scale=std / TRUNCATED_NORMAL_STD)  # winit's convention


def wrong_cdf(name, fan_in, fan_out, factor):
    """The cdf of `exact` with the spread times `factor`; the truncated normal's by its formula
    (Phi(x / s) - Phi(-2)) / (Phi(2) - Phi(-2)), 10 times faster than truncnorm's."""
    if FAMILIES[name] != "truncated_normal":
        return exact(name, fan_in, fan_out, factor).cdf
    s = factor * scheme_std(name, fan_in, fan_out) / TRUNCATED_NORMAL_STD
    return lambda x: np.clip((special.ndtr(x / s) - special.ndtr(-2)) / (special.ndtr(2) - special.ndtr(-2)), 0, 1)


def test_the_truncated_normals_formula_is_scipys():
    x = np.linspace(-3, 3, 601)
    np.testing.assert_allclose(wrong_cdf("he_normal", 9, 1, 1.0)(x), exact("he_normal", 9, 1).cdf(x),
                               rtol=0, atol=1e-14)


@pytest.mark.browser
@pytest.mark.parametrize("name", list(SCALINGS))
def test_each_scheme_draws_its_exact_distribution(page, name):
    for fan_in, fan_out in [(1, 20), (7, 7), (613, 40)]:
        for seed in (1, 2026):
            w = draw(page, name, fan_in, fan_out, seed, 20000)
            truth = exact(name, fan_in, fan_out)
            assert stats.kstest(w, truth.cdf).pvalue > 1e-3, (fan_in, seed)
            # power: the same test rejects a spread 10% too large (3% needs 200,000 draws: below)
            assert stats.kstest(w, wrong_cdf(name, fan_in, fan_out, 1.10)).pvalue < 1e-6, (fan_in, seed)
            if FAMILIES[name] == "truncated_normal":
                assert np.abs(w).max() <= 2 * scheme_std(name, fan_in, fan_out) / TRUNCATED_NORMAL_STD


@pytest.mark.browser
@pytest.mark.parametrize("name", ["xavier", "he", "lecun_normal"])
def test_the_ks_test_sees_a_spread_3_percent_off(page, name):
    w = draw(page, name, 50, 50, 5, 200000)
    assert stats.kstest(w, wrong_cdf(name, 50, 50, 1.0)).pvalue > 1e-3
    assert stats.kstest(w, wrong_cdf(name, 50, 50, 1.03)).pvalue < 1e-6


@pytest.mark.browser
def test_fills_and_gain_scale_the_spread(page):
    got = [floats(text) for text in page.evaluate("""() => { const M = window.M, r = M.makeRng(11), n = 20000;
      return [M.fillUniform(r, new Float64Array(n), 0.3), M.fillNormal(r, new Float64Array(n), 0.3),
              M.fillTruncatedNormal(r, new Float64Array(n), 0.3),
              M.sampleWeights("he_uniform", 100, 200, r, 1.37)].map(%s); }""" % B64_JS)]
    assert stats.kstest(got[0], stats.uniform(-0.3, 0.6).cdf).pvalue > 1e-3
    assert stats.kstest(got[1], stats.norm(0, 0.3).cdf).pvalue > 1e-3
    assert stats.kstest(got[2], stats.truncnorm(-2, 2, scale=0.3 / TRUNCATED_NORMAL_STD).cdf).pvalue > 1e-3
    bound = 1.37 * scheme_bound("he_uniform", 100, 200)
    assert len(got[3]) == 20000 and stats.kstest(got[3], stats.uniform(-bound, 2 * bound).cdf).pvalue > 1e-3


# ---- orthogonal -----------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (5, 1), (17, 300), (300, 17), (256, 256), (129, 130)])
def test_orthogonal_has_orthonormal_columns_or_rows_times_gain(page, shape):
    fan_in, fan_out = shape
    for gain in (1.0, 1.37):
        w = draw(page, "orthogonal", fan_in, fan_out, 3, fan_in * fan_out, gain).reshape(shape) / gain
        gram = w.T @ w if fan_in >= fan_out else w @ w.T
        assert np.abs(gram - np.eye(min(shape))).max() < 1e-12, gain
    again = draw(page, "orthogonal", fan_in, fan_out, 3, fan_in * fan_out, 1.37)
    assert np.allclose(again, 1.37 * draw(page, "orthogonal", fan_in, fan_out, 3, fan_in * fan_out))


def _entry_law(rows):
    """The law of one entry of a uniformly random unit vector in R^rows, as of a column of a
    Haar orthogonal matrix: (1 + x) / 2 ~ Beta((rows - 1) / 2, (rows - 1) / 2)."""
    a = (rows - 1) / 2
    return stats.beta(a, a, loc=-1, scale=2)


def _o3_trace_cdf(t):
    """P(trace <= t) for Q Haar on O(3): half SO(3), whose trace 1 + 2 cos(theta) has theta with
    density (1 - cos theta) / pi on [0, pi]; half -SO(3)."""
    def so3(s):
        a = np.arccos(np.clip((s - 1) / 2, -1, 1))
        return (np.pi - a + np.sin(a)) / np.pi
    return 0.5 * so3(t) + 0.5 * (1 - so3(-t))


def _haar_checks(mats, entries, rows):
    """p-values of the checks of Haar matrices `mats` (count, r, c): KS of `entries` against the
    entry law, and for square 3 x 3, the sign of the determinant and the trace's law."""
    ps = [stats.kstest(mats[:, i, j], _entry_law(rows).cdf).pvalue for i, j in entries]
    if mats.shape[1:] == (3, 3):
        dets = np.linalg.det(mats)
        ps.append(stats.binomtest(int((dets > 0).sum()), len(dets)).pvalue)
        ps.append(stats.kstest(np.trace(mats, axis1=1, axis2=2), _o3_trace_cdf).pvalue)
    return ps


@pytest.mark.browser
@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5)])
def test_orthogonal_is_haar(page, shape):
    count = 3000
    mats = floats(page.evaluate(MATRICES_JS, [*shape, 9, count])).reshape(count, *shape)
    entries = [(0, 0), (shape[0] - 1, shape[1] - 1), (1, 2), (2, 0)]
    assert min(_haar_checks(mats, entries, max(shape))) > 1e-3


def test_the_haar_checks_see_qr_without_the_sign_fix():
    rng = np.random.default_rng(4)
    unfixed = np.array([np.linalg.qr(rng.standard_normal((3, 3)))[0] for _ in range(3000)])
    ps = _haar_checks(unfixed, [(0, 0), (2, 2), (1, 2), (2, 0)], 3)
    assert ps[0] < 1e-6  # Householder QR makes R[0, 0] = -sign(A[0, 0]) |A[:, 0]|: Q[0, 0] <= 0
    assert ps[-2] < 1e-6  # and det(Q) = (-1)**2 = 1 always


# ---- the normal distribution ------------------------------------------------------------------

@pytest.mark.browser
def test_normal_cdf_pdf_and_erf_match_scipy(page):
    x = np.concatenate([np.linspace(-37.5, 9, 4001), [0.0, 5e-324, -1e-300, 1e-8, -0.4999999, 0.5, -4.0, 4.0001]])
    got = json.loads(page.evaluate("(xs) => JSON.stringify([xs.map(window.M.normalCdf), "
                                   "xs.map(window.M.normalPdf)])", x.tolist()))
    np.testing.assert_allclose(got[0], special.ndtr(x), rtol=1e-12, atol=0)
    np.testing.assert_allclose(got[1], stats.norm.pdf(x), rtol=1e-12, atol=0)
    y = np.concatenate([np.linspace(-7, 7, 2801), [1e-300, -1e-12, 0.3535, -0.3536, 27.0, -40.0]])
    erf = json.loads(page.evaluate("(xs) => JSON.stringify(xs.map(window.M.erf))", y.tolist()))
    np.testing.assert_allclose(erf, special.erf(y), rtol=1e-12, atol=0)
    ends = page.evaluate("() => { const M = window.M; return [M.normalCdf(-Infinity), M.normalCdf(Infinity),"
                         " M.normalPdf(Infinity), M.erf(-Infinity), M.erf(0), M.normalCdf(0),"
                         " Number.isNaN(M.normalCdf(NaN))]; }")
    assert ends == [0, 1, 0, -1, 0, 0.5, True]


# ---- histogram ----------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("lo, hi, bins", [(-3.0, 3.0, 50), (-0.1, 0.7, 7), (0.0, 1.0, 1), (-2.5, 1e-3, 33)])
def test_histogram_is_numpys(page, lo, hi, bins):
    rng = np.random.default_rng(bins)
    values = np.concatenate([rng.standard_normal(5000), np.linspace(lo, hi, bins + 1),  # every edge
                             [lo, hi, np.nextafter(hi, 0), np.nextafter(lo, -1), 100.0]])
    got = json.loads(page.evaluate(  # the values as one JSON string: Playwright's transfer is slow
        "([text, lo, hi, bins]) => { const h = window.M.histogram(Float64Array.from(JSON.parse(text)), lo, hi, bins);"
        " return JSON.stringify(Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.from(v)]))); }",
        [json.dumps(values.tolist()), lo, hi, bins]))
    counts, edges = np.histogram(values, bins, range=(lo, hi))
    density, _ = np.histogram(values, bins, range=(lo, hi), density=True)
    assert got["edges"] == edges.tolist()
    assert got["counts"] == counts.tolist()
    np.testing.assert_allclose(got["density"], density, rtol=1e-15, atol=0)
    assert call(page, "histogram", [5.0], 0.0, 1.0, 3)["density"] == [0, 0, 0]


# ---- bad input ------------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("expression, message", [
    ("M.makeRng(-1)", "seed must be an integer 0 <= seed < 2**32; got -1"),
    ("M.makeRng(2 ** 32)", "seed must be an integer 0 <= seed < 2**32; got 4294967296"),
    ("M.makeRng(1.5)", "seed must be an integer 0 <= seed < 2**32; got 1.5"),
    ("M.makeRng('3')", 'seed must be an integer 0 <= seed < 2**32; got "3"'),
    ("M.makeRng()", "seed must be an integer 0 <= seed < 2**32; got undefined"),
    ("M.deriveSeed(1, 2, -3)", "ints[1] must be an integer 0 <= ints[1] < 2**32; got -3"),
    ("M.sampleWeights('kaiming', 3, 3, M.makeRng(0))", 'name must be one of xavier, normalized_xavier, '
     'he, lecun, glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, '
     'orthogonal; got "kaiming"'),
    ("M.sampleWeights('he', 0, 3, M.makeRng(0))", "fanIn must be an integer >= 1 (inputs of the layer); got 0"),
    ("M.sampleWeights('orthogonal', 3, 2.5, M.makeRng(0))",
     "fanOut must be an integer >= 1 (outputs of the layer); got 2.5"),
    ("M.sampleWeights('he', 2 ** 13, 2 ** 13, M.makeRng(0))",
     "fanIn * fanOut must be at most 2**25 (256 MiB of weights); got 67108864"),
    ("M.SCHEMES.xavier.spread(NaN, 3)", "fanIn must be an integer >= 1 (inputs of the layer); got NaN"),
    ("M.sampleWeights('he', 3, 3, M.makeRng(0), -1)", "gain must be a finite number >= 0; got -1"),
    ("M.sampleWeights('orthogonal', 3, 3, {})", "rng must be a generator from makeRng(seed); got Object"),
    ("M.fillNormal(M.makeRng(0), [0, 0], 1)", "out must be a Float64Array; got Array"),
    ("M.fillUniform(M.makeRng(0), new Float64Array(2), Infinity)", "bound must be a finite number >= 0; got Infinity"),
    ("M.fillTruncatedNormal(M.makeRng(0), new Float64Array(2), NaN)", "std must be a finite number >= 0; got NaN"),
    ("M.histogram([1], 0, 1, 0)", "bins must be an integer >= 1; got 0"),
    ("M.histogram([1], 1, 1, 3)", "hi must be a finite number > lo = 1; got 1"),
    ("M.histogram(null, 0, 1, 3)", "values must be an array of numbers; got null"),
])
def test_bad_input_throws_an_error_naming_the_argument(page, expression, message):
    assert error(page, expression) == message
