"""site_assets/compact_figures.py: chapter figures as 256-colour PNGs, the same picture."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image

from site_assets import compact_figures

ROOT = Path(__file__).resolve().parents[1]

matplotlib.use("agg")


def _figure_png():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3), dpi=150)
    x = np.linspace(0, 6, 400)
    for k in range(5):
        ax.plot(x, np.sin(x + k), label=f"curve {k}")
    ax.imshow(np.outer(np.linspace(0, 1, 50), np.ones(50)), extent=(0, 1, -1, 0), aspect="auto")
    ax.legend()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def test_a_figure_becomes_a_smaller_palette_png_that_looks_the_same():
    png = _figure_png()
    small = compact_figures.compact_png(png)
    assert len(small) < 0.6 * len(png)
    before = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    after = Image.open(io.BytesIO(small))
    assert after.mode == "P"
    diff = np.abs(np.asarray(after.convert("RGB"), dtype=int) - before)
    # a level or two of 255 on average (white may become 254), a small step at most: no new shapes
    assert np.mean(diff) < 2.0 and np.percentile(diff, 99.9) < 24


def test_compacting_is_idempotent():
    small = compact_figures.compact_png(_figure_png())
    assert compact_figures.compact_png(small) is small


def test_every_stored_chapter_is_compacted():
    chapters = sorted(map(str, (ROOT / "chapters").glob("*.ipynb")))
    assert compact_figures.main(["--check", *chapters]) == 0


def test_pictures_no_page_names_are_dropped(tmp_path):
    images = tmp_path / "_images"
    (images / "explorers").mkdir(parents=True)  # the retired explorers' pictures, left by an old build
    (images / "figures").mkdir()
    for name in ("used.png", "old.png", "styled.png", "explorers/old.webp", "figures/kept.png"):
        (images / name).write_bytes(b"png")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "he.html").write_text('<img src="../_images/used.png"><img src="../_images/figures/kept.png">')
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "book.css").write_text("a { background: url(../_images/styled.png) }")
    dropped = compact_figures.drop_unused_images(tmp_path)
    assert sorted(p.name for p in dropped) == ["old.png", "old.webp"]
    assert sorted(p.name for p in images.rglob("*.png")) == ["kept.png", "styled.png", "used.png"]
    assert not (images / "explorers").exists() and (images / "figures").is_dir()
    assert compact_figures.drop_unused_images(tmp_path) == []
