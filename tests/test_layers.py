"""winit is built in layers: a module never imports a layer below its own.

Layers, top (imported by everything) to bottom: the library, the network
engine, the data, the papers' experiments, the book's drawing and widget code.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "winit"

# module path (relative to winit/, without .py) prefix -> layer number
LAYERS = [
    ("book", 5),
    ("experiments", 4),
    ("data", 3),
    ("networks", 2),
    ("blocks", 2),
    ("_engine", 2),
    ("transformer", 2),
    ("transformer_init", 2),
]
LIBRARY = 1


def layer_of(module):
    for prefix, layer in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return LIBRARY


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        yield ".".join(parts), path


def imported_winit_modules(name, path):
    """The winit modules that ``path`` imports, as dotted names relative to winit."""
    tree = ast.parse(path.read_text())
    is_package = path.name == "__init__.py"
    package = name.split(".") if is_package else name.split(".")[:-1]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                mod = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("winit"):
                mod = node.module[len("winit"):].lstrip(".")
            else:
                continue
            targets = [mod] if node.module else [".".join(filter(None, [mod, a.name])) for a in node.names]
            out.update(t for t in targets if t)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("winit."):
                    out.add(a.name[len("winit."):])
    return out


def test_layer_table_sees_every_module():
    names = {n for n, _ in modules()}
    assert "meanfield" in names and "experiments.he2015" in names and "book.explorers" in names


@pytest.mark.parametrize("name,path", list(modules()), ids=lambda v: str(v))
def test_no_import_from_a_lower_layer(name, path):
    own = layer_of(name) if name else LIBRARY
    for target in imported_winit_modules(name, path):
        assert layer_of(target) <= own, (
            f"winit.{name} (layer {own}) imports winit.{target} (layer {layer_of(target)})")


def test_checker_catches_a_violation(tmp_path):
    bad = tmp_path / "schemes.py"
    bad.write_text("from .book import plots\n")
    assert layer_of(next(iter(imported_winit_modules("schemes", bad)))) == 5
