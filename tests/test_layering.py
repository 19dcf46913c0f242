"""The import layering of skchaos, read from the source with ``ast``.

From the bottom up: ``utils`` and ``metrics`` (``metrics`` imports nothing of
ours, ``utils`` only itself), then ``datasets`` and ``preprocessing``,
``neural``, ``attribution``, ``feature_selection``, ``benchmark``, and on
top the command line and the
package root (``skchaos/_cli.py``, ``skchaos/__main__.py``). Nothing imports
upward, and nothing imports another subpackage's private module or name
(``skchaos.X._module`` or ``from skchaos.X import _name``): promote what is
shared to a public name, in ``skchaos.utils`` if it has no better home.

Every import counts, including those inside functions, so a lazy import
cannot hide a cycle.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "skchaos"

#: The level of each subpackage; a module may import only from lower levels
#: and from its own subpackage.
LAYERS = {
    "utils": 0,
    "metrics": 0,
    "datasets": 1,
    "preprocessing": 1,
    "neural": 2,
    "attribution": 3,
    "feature_selection": 4,
    "benchmark": 5,
}
#: The modules directly under ``skchaos/`` (the CLI, ``__main__``).
TOP = "<top>"
LEVELS = {**LAYERS, TOP: max(LAYERS.values()) + 1}


def owner(module):
    """The subpackage of a dotted ``skchaos`` module name, or ``TOP``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else TOP


def module_name(relative_path):
    """``skchaos/neural/_mlp.py`` -> ``skchaos.neural._mlp``."""
    parts = list(Path(relative_path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_private(part):
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def imported_names(source, module, *, is_package=False):
    """Every ``(line, dotted name)`` that ``source`` imports from skchaos.

    ``from skchaos.X import a`` gives ``skchaos.X.a`` (``a`` may be a module
    or a name: both are what the importer depends on); relative imports are
    resolved against ``module``. Imports anywhere in the file count.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + is_package]
                base = ".".join(anchor + ([base] if base else []))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] == "skchaos"]


def violations(relative_path, source):
    """The layering rules ``source`` (at ``relative_path``) breaks, by rule."""
    module = module_name(relative_path)
    mine = owner(module)
    is_package = Path(relative_path).name == "__init__.py"
    found = {"metrics": [], "utils": [], "upward": [], "private": []}
    for line, name in imported_names(source, module, is_package=is_package):
        where = f"{relative_path}:{line} imports {name}"
        parts = name.split(".")
        if parts[1:2] and parts[1].startswith("__"):
            continue  # the package's own metadata: skchaos.__version__
        theirs = owner(name)
        if mine == "metrics" and theirs != "metrics":
            found["metrics"].append(where)
        if mine == "utils" and theirs != "utils":
            found["utils"].append(where)
        if LEVELS[theirs] > LEVELS[mine]:
            found["upward"].append(where)
        if theirs != mine and any(_is_private(part) for part in parts[1:]):
            found["private"].append(where)
    return found


def _tree_violations():
    found = {"metrics": [], "utils": [], "upward": [], "private": []}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for rule, items in violations(relative, path.read_text("utf-8")).items():
            found[rule] += items
    return found


TREE = _tree_violations()


def test_metrics_imports_nothing_of_ours():
    assert not TREE["metrics"], "\n".join(TREE["metrics"])


def test_utils_imports_only_utils():
    assert not TREE["utils"], "\n".join(TREE["utils"])


def test_nothing_imports_upward():
    # utils/metrics < datasets < neural < attribution < feature_selection
    # < benchmark < the CLI.
    assert not TREE["upward"], "\n".join(TREE["upward"])


def test_no_private_imports_across_subpackages():
    assert not TREE["private"], "\n".join(TREE["private"])


# --------------------------------------------------------------------------
# The checker itself: each rule must be able to fail.
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, source, rule",
    [
        ("skchaos/metrics/_a.py", "from skchaos.utils import draw_seed", "metrics"),
        ("skchaos/utils/_a.py", "import skchaos.datasets", "utils"),
        (
            "skchaos/datasets/_a.py",
            "def f():\n    from skchaos.neural import MLP\n",
            "upward",
        ),
        ("skchaos/neural/_a.py", "from skchaos.benchmark import x", "upward"),
        ("skchaos/benchmark/_a.py", "from skchaos._cli import main", "upward"),
        ("skchaos/neural/_a.py", "from skchaos.utils._torch import x", "private"),
        ("skchaos/benchmark/_a.py", "import skchaos.attribution._registry", "private"),
        ("skchaos/benchmark/_a.py", "from skchaos.neural import _base", "private"),
        ("skchaos/__main__.py", "from skchaos.benchmark._cli import main", "private"),
        ("skchaos/neural/_a.py", "from ..benchmark import _cli", "upward"),
    ],
)
def test_checker_finds_a_violation(path, source, rule):
    assert violations(path, source)[rule]


@pytest.mark.parametrize(
    "path, source",
    [
        ("skchaos/neural/_a.py", "from skchaos.neural._modules import MLP"),
        ("skchaos/neural/_a.py", "from skchaos.utils import torch_random_context"),
        ("skchaos/attribution/_a.py", "from skchaos.neural import MLP"),
        ("skchaos/benchmark/_a.py", "from skchaos import __version__"),
        ("skchaos/__main__.py", "from skchaos._cli import main"),
        ("skchaos/_cli.py", "from skchaos.benchmark import run_benchmark"),
        ("skchaos/metrics/_a.py", "import numpy as np\nfrom sklearn import metrics"),
        ("skchaos/neural/__init__.py", "from ._mlp import MLPRegressor"),
    ],
)
def test_checker_accepts_allowed_imports(path, source):
    assert not any(violations(path, source).values())


def test_checker_reads_the_whole_package():
    # Guards against a vacuous pass: the walk must see the package and the
    # imports inside function bodies.
    sources = list(PACKAGE.rglob("*.py"))
    assert len(sources) > 30
    lazy = [
        name
        for path in sources
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.FunctionDef)
        for inner in ast.walk(node)
        if isinstance(inner, ast.ImportFrom)
        for name in [inner.module or ""]
        if name.startswith("skchaos")
    ]
    assert lazy, "expected some imports of skchaos inside functions"


# --------------------------------------------------------------------------
# No import cycle between modules (imports inside functions included).
# --------------------------------------------------------------------------


def import_graph(sources):
    """``{module: {modules it imports}}`` for ``{relative path: source}``.

    An imported name resolves to the module it names, or else to the module
    that defines it (``from skchaos.benchmark._report import make_report``
    depends on ``skchaos.benchmark._report``).
    """
    modules = {module_name(path): path for path in sources}
    graph = {}
    for module, path in modules.items():
        is_package = Path(path).name == "__init__.py"
        edges = set()
        for _, name in imported_names(sources[path], module, is_package=is_package):
            target = name if name in modules else name.rpartition(".")[0]
            if target in modules and target != module:
                edges.add(target)
        graph[module] = edges
    return graph


def find_cycle(graph):
    """One import cycle of ``graph`` as a list of modules, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle():
    sources = {
        path.relative_to(ROOT).as_posix(): path.read_text("utf-8")
        for path in PACKAGE.rglob("*.py")
    }
    cycle = find_cycle(import_graph(sources))
    assert cycle is None, " -> ".join(cycle)


def test_cycle_checker_finds_a_lazy_cycle():
    sources = {
        "skchaos/benchmark/_a.py": "from skchaos.benchmark._b import f\n",
        "skchaos/benchmark/_b.py": "def f():\n    from skchaos.benchmark._a import g\n",
        "skchaos/benchmark/_c.py": "from skchaos.benchmark._a import h\n",
    }
    assert find_cycle(import_graph(sources)) == [
        "skchaos.benchmark._a",
        "skchaos.benchmark._b",
        "skchaos.benchmark._a",
    ]
    del sources["skchaos/benchmark/_b.py"]
    assert find_cycle(import_graph(sources)) is None
