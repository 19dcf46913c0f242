"""The documentation: API completeness, page doctests and the Sphinx build.

The build test runs ``python -m sphinx -W`` on a copy of ``docs/`` and
``examples/`` in a temporary folder (so nothing is written into the
repository), with the default, fast example selection and without
intersphinx, then checks that the key pages exist and that every internal
link of the built HTML points to an existing file.
"""

import doctest
import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
SUBPACKAGES = (
    "attribution",
    "benchmark",
    "datasets",
    "feature_selection",
    "metrics",
    "neural",
    "preprocessing",
)
BUILD_REQUIREMENTS = ("sphinx", "pydata_sphinx_theme", "numpydoc", "sphinx_gallery")
# Build outputs that may exist in a developer's checkout; never copied.
BUILD_OUTPUTS = ("_build", "auto_examples", "generated", "sg_execution_times.rst")


# --------------------------------------------------------------------------
# API reference completeness (fast, always runs)
# --------------------------------------------------------------------------


def _api_entries():
    """``{"skchaos.<sub>.<name>"}`` for every autosummary entry of api.rst.

    Only directives at column 0 count, so entries inside an RST comment (an
    indented block under ``.. TODO:``) are not listed.
    """
    entries = set()
    module = None
    in_autosummary = False
    for line in (DOCS / "api.rst").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\.\. currentmodule:: (\S+)", line)
        if match:
            module, in_autosummary = match.group(1), False
            continue
        if line.startswith(".. autosummary::"):
            in_autosummary = True
            continue
        if not in_autosummary or not line.strip():
            continue
        if not line[0].isspace():
            in_autosummary = False
            continue
        name = line.strip()
        if name.startswith(":"):  # an option such as :toctree:
            continue
        entries.add(name if name.startswith("skchaos.") else f"{module}.{name}")
    return entries


def _public_names():
    names = set()
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"skchaos.{sub}")
        names.update(f"skchaos.{sub}.{name}" for name in module.__all__)
    return names


def test_api_reference_lists_every_public_name():
    missing = sorted(_public_names() - _api_entries())
    assert not missing, (
        "docs/api.rst does not list these public names (add them to an "
        f"autosummary block of their module): {missing}"
    )


def test_api_reference_lists_only_public_names():
    unknown = sorted(_api_entries() - _public_names())
    assert not unknown, (
        f"docs/api.rst lists names that are not in any __all__: {unknown}"
    )


def test_api_reference_parser_sees_entries():
    # Guards the parser above: a regression to "no entries" would make the
    # completeness test vacuous.
    entries = _api_entries()
    assert "skchaos.datasets.make_symbolic" in entries
    assert "skchaos.metrics.uniformity_score" in entries
    assert len(entries) >= 20


def test_formula_table_matches_paper_formulas():
    from skchaos.datasets import PAPER_FORMULAS

    page = (DOCS / "user_guide" / "datasets.rst").read_text(encoding="utf-8")
    for formula in PAPER_FORMULAS:
        row = (
            f"   * - {formula.id}\n     - ``{formula.expression}``\n"
            f"     - {formula.n_declared_variables}\n"
            f"     - {len(formula.relevant_variables)}\n"
        )
        assert row in page, f"formula {formula.id} is missing or wrong: {row!r}"


# --------------------------------------------------------------------------
# The README's code sample
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_readme_code_sample_runs_and_finds_the_relevant_columns(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    samples = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert len(samples) == 1, "the README has one Python sample"
    exec(compile(samples[0], "README.md", "exec"), {"__name__": "readme"})
    scores, support = capsys.readouterr().out.strip().splitlines()
    us, fprec = map(float, scores.split())
    # The sample promises the relevant columns and good attribution scores.
    assert support.endswith("[0 1 2]")
    assert us > 0.8 and fprec > 0.9


# --------------------------------------------------------------------------
# Doctests of the pages (the ``>>>`` blocks)
# --------------------------------------------------------------------------

PAGES_WITH_DOCTESTS = sorted(
    path
    for path in DOCS.rglob("*.rst")
    if not set(path.relative_to(DOCS).parts) & set(BUILD_OUTPUTS)
    and ">>> " in path.read_text(encoding="utf-8")
)


def test_some_pages_have_doctests():
    assert len(PAGES_WITH_DOCTESTS) >= 3


@pytest.mark.parametrize(
    "page", PAGES_WITH_DOCTESTS, ids=lambda p: str(p.relative_to(DOCS))
)
def test_page_doctests(page):
    import torch

    # Tiny models: one thread is much faster than contended intra-op threads.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        result = doctest.testfile(
            str(page),
            module_relative=False,
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
            verbose=False,
            report=True,
        )
    finally:
        torch.set_num_threads(threads)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {page}"


# --------------------------------------------------------------------------
# The Sphinx build
# --------------------------------------------------------------------------


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (
                (name == "href" and tag in ("a", "link"))
                or (name == "src" and tag in ("img", "script"))
            ):
                self.links.append(value)


def _is_internal(link):
    scheme = urlsplit(link).scheme
    return not scheme and not link.startswith(("#", "//"))


def _broken_links(html_dir):
    broken = []
    for page in html_dir.rglob("*.html"):
        if page.relative_to(html_dir).parts[0] in ("_static", "_sources"):
            continue  # theme assets (e.g. Jinja macros), not built pages
        collector = _LinkCollector()
        collector.feed(page.read_text(encoding="utf-8", errors="replace"))
        for link in collector.links:
            if not _is_internal(link):
                continue
            path = unquote(urlsplit(link).path)
            if not path:
                continue
            target = (page.parent / path).resolve()
            if not target.exists():
                broken.append(f"{page.relative_to(html_dir)} -> {link}")
    return broken


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory):
    missing = [
        name for name in BUILD_REQUIREMENTS if importlib.util.find_spec(name) is None
    ]
    if missing:
        pytest.skip(
            f"the docs build needs {', '.join(missing)} (pip install -e '.[docs]')"
        )
    work = tmp_path_factory.mktemp("docs_build")
    ignore = shutil.ignore_patterns(*BUILD_OUTPUTS, "__pycache__")
    shutil.copytree(DOCS, work / "docs", ignore=ignore)
    shutil.copytree(EXAMPLES, work / "examples", ignore=ignore)
    html = work / "html"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SKCHAOS_DOCS_EXECUTE", "SKCHAOS_DOCS_INTERSPHINX")
    }
    env["MPLBACKEND"] = "Agg"
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-q",
        "-b",
        "html",
        str(work / "docs"),
        str(html),
    ]
    process = subprocess.run(
        command, cwd=work, env=env, capture_output=True, text=True, timeout=900
    )
    assert process.returncode == 0, (
        f"the docs build failed (exit status {process.returncode}):\n"
        f"{process.stderr[-6000:]}\n{process.stdout[-2000:]}"
    )
    return html


KEY_PAGES = (
    "index.html",
    "getting_started.html",
    "user_guide/index.html",
    "user_guide/datasets.html",
    "user_guide/neural.html",
    "user_guide/attribution.html",
    "user_guide/metrics.html",
    "user_guide/feature_selection.html",
    "user_guide/benchmark.html",
    "user_guide/scaling.html",
    "api.html",
    "reproducing.html",
    "changelog.html",
    "generated/skchaos.datasets.make_symbolic.html",
    "generated/skchaos.datasets.PAPER_FORMULAS.html",
    "generated/skchaos.neural.MLPRegressor.html",
    "generated/skchaos.attribution.attribute.html",
    "generated/skchaos.metrics.uniformity_score.html",
    "generated/skchaos.benchmark.run_benchmark.html",
    "auto_examples/index.html",
    "auto_examples/attribution/plot_attribution_ground_truth.html",
    "search.html",
)


@pytest.mark.slow
def test_docs_build_has_key_pages(built_docs):
    missing = [page for page in KEY_PAGES if not (built_docs / page).is_file()]
    assert not missing, f"pages missing from the built docs: {missing}"


@pytest.mark.slow
def test_docs_build_has_an_api_page_per_public_name(built_docs):
    missing = [
        name
        for name in sorted(_public_names())
        if not (built_docs / "generated" / f"{name}.html").is_file()
    ]
    assert not missing, f"API pages missing from the built docs: {missing}"


@pytest.mark.slow
def test_docs_build_executes_the_default_example(built_docs):
    images = built_docs / "_images"
    figures = sorted(images.glob("sphx_glr_plot_attribution_ground_truth_*.png"))
    assert len(figures) >= 2, "the attribution example's figures were not rendered"
    page = (
        built_docs / "auto_examples/attribution/plot_attribution_ground_truth.html"
    ).read_text(encoding="utf-8")
    assert "saliency (signed)" in page  # its printed output is on the page


@pytest.mark.slow
def test_docs_build_has_no_broken_internal_links(built_docs):
    broken = _broken_links(built_docs)
    assert not broken, f"{len(broken)} broken internal link(s): {broken[:20]}"


def test_broken_link_checker_detects_a_broken_link(tmp_path):
    # Guards the checker itself: it must report a missing target and accept
    # existing files, anchors and external links.
    (tmp_path / "sub").mkdir()
    (tmp_path / "ok.html").write_text("<p>ok</p>", encoding="utf-8")
    (tmp_path / "sub" / "page.html").write_text(
        '<a href="../ok.html#x">a</a> <a href="#top">b</a> '
        '<a href="https://example.org/missing.html">c</a> '
        '<a href="mailto:someone@example.org">d</a> '
        '<a href="missing.html">e</a> <img src="../img/none.png">',
        encoding="utf-8",
    )
    assert sorted(_broken_links(tmp_path)) == [
        "sub/page.html -> ../img/none.png",
        "sub/page.html -> missing.html",
    ]
