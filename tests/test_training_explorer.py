"""The training explorer's Python side: its data (the spirals, the packed digits), its starts,
its settings, and the reference runs with winit's engine that the chapter quotes."""

import base64
import json
import math

import numpy as np
import pytest
from sklearn.datasets import load_digits

from winit.book.browser import training as T
from winit.book.browser.training import TrainingExplorer, init_params, reference_runs, toy_set
from winit.data import pack_digits, two_spirals, unpack_digits


# ---------------------------------------------------------------- the digits as text


def test_packed_digits_unpack_to_exactly_scikit_learns_values():
    bunch = load_digits()
    packed = pack_digits()
    levels, labels = unpack_digits(packed)
    assert levels.shape == (1797, 64) and labels.shape == (1797,)
    assert np.array_equal(levels, bunch.data.astype(np.int64))
    assert np.array_equal(labels, bunch.target)
    assert (levels == 16).sum() == (bunch.data == 16).sum() > 10_000   # 4 bits cannot hold 16


def test_packed_digits_are_4_bits_a_pixel_in_base64():
    packed = pack_digits()
    assert packed["images"] == 1797 and packed["pixels"] == 64
    raw = base64.b64decode(packed["levels"])
    assert len(raw) == 1797 * 64 // 2
    first = load_digits().data[0].astype(int)
    assert raw[0] == min(first[0], 15) * 16 + min(first[1], 15)        # high half first
    total = sum(len(packed[key]) for key in ("levels", "sixteens", "labels"))
    assert 80_000 < total < 81_000          # about 80 kB
    assert json.loads(json.dumps(packed)) == packed


@pytest.mark.parametrize("change, error", [
    ({"levels": "not base64!"}, ValueError),
    ({"levels": base64.b64encode(b"\x00" * 10).decode()}, ValueError),
    ({"labels": ""}, ValueError),
    ({"images": 0}, ValueError),
    ({"images": "1797"}, TypeError),
])
def test_unpack_refuses_damaged_text(change, error):
    with pytest.raises(error):
        unpack_digits({**pack_digits(), **change})
    with pytest.raises(TypeError, match="packed must be a dict"):
        unpack_digits({"levels": ""})


# ---------------------------------------------------------------- the spirals


def test_two_spirals_wind_as_documented():
    x, y = two_spirals(500, turns=1.5, noise=0.0, rng=3)
    assert x.shape == (500, 2) and y.tolist() == [0, 1] * 250
    r = np.hypot(x[:, 0], x[:, 1])
    assert r.min() >= 2 * math.sqrt(0.02) - 1e-12 and r.max() <= 2 + 1e-12
    # angle = 2 pi turns r / 2 + pi y, modulo 2 pi
    expected = 2 * math.pi * 1.5 * r / 2 + math.pi * y
    gap = np.angle(np.exp(1j * (np.arctan2(x[:, 1], x[:, 0]) - expected)))
    assert np.abs(gap).max() < 1e-9
    noisy, _ = two_spirals(500, turns=1.5, noise=0.1, rng=3)
    assert 0.05 < np.std(noisy - x) < 0.15
    assert 0.8 < noisy.var(axis=0).min() and noisy.var(axis=0).max() < 1.3


@pytest.mark.parametrize("kwargs, error", [
    ({"n": 1}, ValueError), ({"n": 2.0}, TypeError), ({"n": 4, "turns": 0}, ValueError),
    ({"n": 4, "noise": -1}, ValueError), ({"n": 4, "noise": "0.1"}, TypeError),
])
def test_two_spirals_refuses_bad_settings(kwargs, error):
    with pytest.raises(error):
        two_spirals(**kwargs)


def test_toy_sets_are_as_documented():
    x, y, xt, yt = toy_set("spirals")
    assert x.shape == (400, 2) and xt.shape == (200, 2) and set(y) == {0, 1}
    assert np.array_equal(np.round(x, 3), x)
    x, y, xt, yt = toy_set("digits")
    bunch = load_digits()
    held = np.arange(1797) % 4 == 0
    assert x.shape == (1347, 64) and xt.shape == (450, 64)
    assert np.array_equal(y, bunch.target[~held]) and np.array_equal(yt, bunch.target[held])
    raw = bunch.data[~held]
    varying = raw.std(axis=0) > 0
    assert np.allclose(x.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(x.std(axis=0)[varying], 1) and np.all(x[:, ~varying] == 0)
    # the held-out images use the training statistics
    pixel = int(np.argmax(varying))
    assert np.allclose(xt[:, pixel], (bunch.data[held, pixel] - raw[:, pixel].mean())
                       / raw[:, pixel].std())
    with pytest.raises(ValueError, match="dataset must be one of"):
        toy_set("moons")


def test_page_data_carries_the_same_numbers():
    data = json.loads(json.dumps(T.page_data()))
    x, y, xt, yt = toy_set("spirals")
    assert np.array_equal(np.array(data["spirals"]["x"]).reshape(-1, 2), np.concatenate([x, xt]))
    assert data["spirals"]["y"] == np.concatenate([y, yt]).tolist()
    assert data["spirals"]["train"] == 400
    assert [name for name, _ in data["inits"]] == list(T.INITS)
    assert data["scales"] == {"zeros": 0, "too_small": 0.1, "right": 1, "too_large": 10}
    assert len(json.dumps(data)) < 100_000


# ---------------------------------------------------------------- the starts


@pytest.mark.parametrize("activation, gain", [("tanh", 1.0), ("relu", math.sqrt(2))])
def test_the_four_scales_are_multiples_of_the_right_one(activation, gain):
    sizes = [100, 200, 200, 10]
    for name, s in (("too_small", 0.1), ("right", 1.0), ("too_large", 10.0)):
        params = init_params(name, sizes, activation, rng=1)
        for (w, b), fan_in in zip(params, sizes):
            assert w.std() == pytest.approx(s * gain / math.sqrt(fan_in), rel=0.05)
            assert abs(w.mean()) < 0.1 * w.std() and not b.any()
    assert all(not w.any() for w, _ in init_params("zeros", sizes, activation, rng=1))


def test_schemes_draw_their_own_spread():
    sizes = [100, 200, 50]
    expected = {
        "xavier": lambda i, o: math.sqrt(1 / (3 * i)),           # U[±1/sqrt(n)]
        "normalized_xavier": lambda i, o: math.sqrt(2 / (i + o)),
        "he": lambda i, o: math.sqrt(2 / i), "lecun": lambda i, o: math.sqrt(1 / i),
        "glorot_normal": lambda i, o: math.sqrt(2 / (i + o)),
        "he_normal": lambda i, o: math.sqrt(2 / i),
    }
    for name, rule in expected.items():
        for (w, _), i, o in zip(init_params(name, sizes, "relu", rng=2), sizes, sizes[1:]):
            assert w.std() == pytest.approx(rule(i, o), rel=0.05), name
    (w1, _), (w2, _) = init_params("orthogonal", sizes, "tanh", rng=3)
    assert np.allclose(w1 @ w1.T, np.eye(100), atol=1e-12)        # 100 x 200: orthonormal rows
    assert np.allclose(w2.T @ w2, np.eye(50), atol=1e-12)         # 200 x 50: orthonormal columns
    with pytest.raises(ValueError, match="init must be one of"):
        init_params("glorot", sizes, "tanh")


# ---------------------------------------------------------------- the reference runs


STARTS = ("zeros", "too_small", "right", "too_large")


@pytest.fixture(scope="module")
def chapter_runs():
    """The chapter's call ("Why initialisation matters", section "Train one yourself"): its
    settings, 5 seeds, the four starts."""
    return reference_runs("spirals", depth=4, width=32, activation="tanh", lr=0.1, steps=2000,
                          seeds=range(5), inits=STARTS)


def test_bad_starts_fail_and_the_right_one_learns_in_2000_steps(chapter_runs):
    runs = chapter_runs
    log2 = math.log(2)
    # zeros: no hidden unit ever moves; the output bias alone learns the classes' shares (1/2)
    assert np.allclose(runs["zeros"].losses, log2, atol=2e-3)
    assert np.all(runs["zeros"].held_out_error[:, -1] == 0.5)
    # too small: the signal and its gradient vanish through 4 layers of 0.1x the right scale
    assert np.all(np.abs(runs["too_small"].losses[:, -1] - log2) < 2e-3)
    right = runs["right"].losses[:, -1]
    assert np.all(right < 0.05) and np.all(runs["right"].held_out_error[:, -1] <= 0.02)
    large = runs["too_large"]
    assert np.all(large.losses[:, -1] > 10 * right.max())
    assert np.all(large.held_out_error[:, -1] >= 0.05)
    assert np.all(large.losses[:, 0] > log2)                        # it starts above a guess
    assert not any(run.diverged.any() for run in runs.values())


def test_relu_too_large_blows_up():
    runs = reference_runs(activation="relu", seeds=(0, 1, 2), inits=("right", "too_large"),
                          steps=500, record_every=50)
    assert np.all(runs["right"].losses[:, -1] < 0.3)
    large = runs["too_large"]
    # the first window's loss is huge, or the run overflows, and it ends no better than a guess
    first = large.losses[:, 0]
    assert np.all((first > 5) | large.diverged | ~np.isfinite(first))
    for row, diverged in zip(large.losses, large.diverged):
        assert diverged or row[np.isfinite(row)][-1] > 0.6


@pytest.mark.parametrize("kwargs, error", [
    ({"depth": 11}, ValueError), ({"width": 0}, ValueError), ({"width": 65}, ValueError),
    ({"activation": "gelu"}, ValueError), ({"lr": 2.0}, ValueError), ({"lr": "0.1"}, TypeError),
    ({"seeds": (-1,)}, ValueError), ({"seeds": (0.5,)}, TypeError), ({"inits": ("big",)}, ValueError),
])
def test_reference_runs_refuse_bad_settings(kwargs, error):
    with pytest.raises(error):
        reference_runs(steps=2, **kwargs)


# ---------------------------------------------------------------- the widget


def test_explorer_settings_text_and_validation():
    w = TrainingExplorer(depth=7, width=45, init="orthogonal", lr=0.03, dataset="digits")
    assert repr(w) == ("TrainingExplorer(activation='tanh', dataset='digits', depth=7, "
                       "init='orthogonal', lr=0.03, seed=0, width=45)")
    assert sorted(w.traits(setting=True)) == ["activation", "dataset", "depth", "init", "lr",
                                              "seed", "width"]
    assert w.data["batch"] == 32 and "digits" in w.data
    for name, value, error in (("depth", 0, ValueError), ("depth", 11, ValueError),
                               ("width", 65, ValueError), ("activation", "sigmoid", ValueError),
                               ("init", "huge", ValueError), ("lr", 0.0, ValueError),
                               ("seed", -1, ValueError), ("seed", 2**32, ValueError),
                               ("dataset", "mnist", ValueError)):
        with pytest.raises(error, match=name):
            setattr(w, name, value)
    w.depth = 10
    assert w.depth == 10


def test_explorer_output_carries_its_first_picture():
    w = TrainingExplorer(depth=2, width=8)
    data, _ = w._repr_mimebundle_()
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG") and 10_000 < len(png) < 150_000
    assert data["text/plain"].startswith("TrainingExplorer(")
    assert "application/vnd.jupyter.widget-view+json" in data


def test_first_picture_shows_the_chapters_runs(chapter_runs):
    """The picture a notebook shows before the explorer runs is the chapter's seed 0: the very
    runs of the chapter's call (its settings, 5 seeds), not others with other products."""
    import matplotlib.pyplot as plt

    starts, chapter = STARTS, chapter_runs
    fig = T.first_state_figure()
    try:
        axes = fig.get_axes()
        lines = {line.get_label(): line for line in axes[0].get_lines()}
        titles = [ax.get_title() for ax in axes[1:]]
        assert "seed 0" in fig.get_suptitle() and "2000 steps" in fig.subfigs[1].get_suptitle()
        for k, name in enumerate(starts):
            run = chapter[name]
            line = lines[name.replace("_", " ")]
            assert np.array_equal(line.get_xdata(), run.steps)
            assert np.array_equal(line.get_ydata(), run.losses[0])
            assert titles[k].startswith(name.replace("_", " "))
            assert f"{run.held_out_error[0, -1]:.0%} of held-out wrong" in titles[k]
        # what the chapter's text says of seed 0's too-large run (22% wrong, loss near 0.3)
        assert 0.15 < chapter["too_large"].held_out_error[0, -1] < 0.35
    finally:
        plt.close(fig)
    assert T.STEPS == 2000 and T.page_data()["steps"] == 2000      # the chapter's length, Play's stop
