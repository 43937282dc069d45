"""Store the chapters' figures as 256-colour PNGs: a quarter of the bytes, the same picture.

matplotlib writes a figure as a full-colour PNG (about 70 KB for a chapter figure); a plot has
a few flat colours and their antialiased edges, so a 256-colour palette shows the same image in
about a quarter of the bytes (the site's figures: 2.5 MB -> 0.7 MB). Used two ways:

- as a Sphinx extension (listed in ``_config.yml``): when the build has finished, the pictures
  no page names are dropped from ``_images/`` (:func:`drop_unused_images`), and every PNG there
  and every figure inside the downloadable notebooks in ``_sources/`` is compacted;
- as a script, on stored chapters (the repository and a reader's download get small too)::

      python site_assets/compact_figures.py chapters/*.ipynb          # rewrite in place
      python site_assets/compact_figures.py --check chapters/*.ipynb  # exit 1 if any would change

  (one of the steps of ``python site_assets/store.py``, which runs them all after executing.)

Compacting is idempotent: a PNG that already has a palette is left as it is. nbval does not
compare image outputs, so the tests are unaffected.
"""
from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

from PIL import Image

if __name__ == "__main__" and not __package__:  # python site_assets/compact_figures.py ...
    import _script
    _script.run_as_module(__file__)

from .notebooks import load, outputs, run, save  # noqa: E402

#: Palette size: enough for matplotlib's default colours, their antialiased edges and a colormap.
COLORS = 256


def compact_png(png: bytes) -> bytes:
    """``png`` as a palette PNG of at most :data:`COLORS` colours (unchanged if it has a palette).

    Returns the original bytes when compacting would not make them smaller.
    """
    image = Image.open(io.BytesIO(png))
    if image.mode == "P":
        return png
    image = image.convert("RGB").quantize(colors=COLORS, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="png", optimize=True)
    small = out.getvalue()
    return small if len(small) < len(png) else png


def compact(nb: dict) -> int:
    """Compact every ``image/png`` output of notebook ``nb`` in place; return how many changed."""
    changed = 0
    for _, _, output in outputs(nb):
        data = output.get("data", {})
        if "image/png" not in data:
            continue
        raw = data["image/png"]
        png = base64.b64decode("".join(raw) if isinstance(raw, list) else raw)
        small = compact_png(png)
        if small is not png:
            data["image/png"] = base64.b64encode(small).decode("ascii")
            changed += 1
    return changed


def step(nb: dict) -> str | None:
    """:func:`compact` as a step of ``store.py``: what it changed, or None."""
    n = compact(nb)
    return f"{n} figure(s) compacted" if n else None


def compact_notebook(path: Path) -> int:
    """Compact every ``image/png`` output of the notebook file at ``path``; how many changed."""
    nb = load(path)
    changed = compact(nb)
    if changed:
        save(path, nb)
    return changed


#: Files of a built site that can name a picture of ``_images/``.
_NAMING = {".html", ".js", ".json", ".css", ".txt"}


def drop_unused_images(site: Path) -> list[Path]:
    """Delete the files under ``site/_images`` that no page or script of ``site`` names (and the
    folders left empty), and return them. Sphinx never removes a picture it copied there: a
    figure that changed, or a second build into the same folder (the stored-output build, then
    the README's), leaves the old file behind, unreferenced but served and counted in the site's
    size."""
    root = Path(site) / "_images"
    images = [p for p in sorted(root.rglob("*")) if p.is_file()]
    if not images:
        return []
    named = "\n".join(p.read_text(encoding="utf-8", errors="ignore")
                      for p in Path(site).rglob("*")
                      if p.suffix in _NAMING and p.is_file() and "_images" not in p.parts)
    unused = [p for p in images if p.name not in named]
    for p in unused:
        p.unlink()
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return unused


def compact_site(app, exception) -> None:
    """Sphinx ``build-finished`` handler: drop the pictures no page names, compact
    ``_images/*.png`` and ``_sources/**/*.ipynb``."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    drop_unused_images(out)
    for png in sorted((out / "_images").glob("*.png")):
        data = png.read_bytes()
        small = compact_png(data)
        if small is not data:
            png.write_bytes(small)
    for nb in sorted((out / "_sources").rglob("*.ipynb")):
        compact_notebook(nb)


def setup(app):
    app.connect("build-finished", compact_site)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv=None) -> int:
    return run(step, argv, description=__doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
