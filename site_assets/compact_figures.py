"""Store the chapters' figures as 256-colour PNGs: a quarter of the bytes, the same picture.

matplotlib writes a figure as a full-colour PNG (about 70 KB for a chapter figure); a plot has
a few flat colours and their antialiased edges, so a 256-colour palette shows the same image in
about a quarter of the bytes (the site's figures: 2.5 MB -> 0.7 MB). Used two ways:

- as a Sphinx extension (listed in ``_config.yml``): when the build has finished, every PNG in
  ``_images/`` and every figure inside the downloadable notebooks in ``_sources/`` is compacted;
- as a script, on stored chapters (the repository and a reader's download get small too)::

      python site_assets/compact_figures.py chapters/*.ipynb          # rewrite in place
      python site_assets/compact_figures.py --check chapters/*.ipynb  # exit 1 if any would change

Compacting is idempotent: a PNG that already has a palette is left as it is. nbval does not
compare image outputs, so the tests are unaffected.
"""
from __future__ import annotations

import argparse
import base64
import io
import json
import sys
from pathlib import Path

from PIL import Image

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


def compact_notebook(path: Path, *, write: bool = True) -> int:
    """Compact every ``image/png`` output of the notebook at ``path``; return how many changed."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    changed = 0
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            raw = data["image/png"]
            png = base64.b64decode("".join(raw) if isinstance(raw, list) else raw)
            small = compact_png(png)
            if small is not png:
                data["image/png"] = base64.b64encode(small).decode("ascii")
                changed += 1
    if changed and write:
        indent = 1 if text.startswith('{\n "') else 2      # keep the file's own layout
        path.write_text(json.dumps(nb, indent=indent, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def compact_site(app, exception) -> None:
    """Sphinx ``build-finished`` handler: compact ``_images/*.png`` and ``_sources/**/*.ipynb``."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if any notebook has a full-colour figure")
    args = parser.parse_args(argv)
    pending = 0
    for path in args.notebooks:
        n = compact_notebook(path, write=not args.check)
        if n:
            pending += n
            print(f"{path}: {n} figure(s) {'to compact' if args.check else 'compacted'}")
    return 1 if (args.check and pending) else 0


if __name__ == "__main__":
    sys.exit(main())
