"""Sphinx configuration of the skchaos documentation.

Build (from the repository root)::

    python -m sphinx -W -b html docs docs/_build/html     # what CI builds
    SKCHAOS_DOCS_EXECUTE=all python -m sphinx -W -b html docs docs/_build/html

or from ``docs/``: ``make html`` (only the fast examples are executed; about
20 s on a 2-core CPU), ``make html-all`` (every gallery example is executed;
a few minutes, each example is meant to run in under a minute) and ``make
html-noplot`` (none). The README and CONTRIBUTING.md document the same
switches.

Environment variables:

``SKCHAOS_DOCS_EXECUTE``
    Which gallery examples are executed. Unset or ``"default"``: only the
    fast ones listed in ``_DEFAULT_EXECUTED`` (what CI runs); ``"all"``: every
    example; ``"none"``: none; anything else is used as a regular expression
    on the example's path (sphinx-gallery's ``filename_pattern``). Examples
    that are not executed are still rendered, without their output.

``SKCHAOS_DOCS_INTERSPHINX``
    ``1`` links to the scikit-learn, NumPy, PyTorch, captum and skorch
    documentation with intersphinx, which downloads their inventories. Unset
    (the default, and what CI uses, since it has no network access), nothing
    is downloaded: the references stay plain text, and ``:term:`` references
    to scikit-learn's glossary link to its online version.
"""

import importlib
import os
import re
import sys
import warnings
from pathlib import Path

from docutils import nodes

HERE = Path(__file__).resolve().parent
# Build against the checkout even when skchaos is not installed editable.
sys.path.insert(0, str(HERE.parent))

import skchaos

# -- Project information ------------------------------------------------------

project = "skchaos"
author = "The skchaos developers"
copyright = "2024-2025, The skchaos developers"
release = skchaos.__version__
version = re.sub(r"(\.dev\d*|rc\d*|a\d*|b\d*)$", "", release)

# -- General configuration ----------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"
# References that cannot be resolved offline (numpy, torch, ...) stay plain
# text; the build fails (-W) only on broken skchaos-internal references.
nitpicky = False

# -- autodoc / autosummary / numpydoc -----------------------------------------

autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"
autodoc_member_order = "groupwise"
autodoc_inherit_docstrings = True

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# -- intersphinx --------------------------------------------------------------

INTERSPHINX_MAPPING = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable/", None),
    "scipy": ("https://docs.scipy.org/doc/scipy/", None),
    "sklearn": ("https://scikit-learn.org/stable/", None),
    "torch": ("https://docs.pytorch.org/docs/stable/", None),
    "captum": ("https://captum.ai/api/", None),
    "skorch": ("https://skorch.readthedocs.io/en/stable/", None),
    "joblib": ("https://joblib.readthedocs.io/en/stable/", None),
    "pandas": ("https://pandas.pydata.org/docs/", None),
    "matplotlib": ("https://matplotlib.org/stable/", None),
}
USE_INTERSPHINX = os.environ.get("SKCHAOS_DOCS_INTERSPHINX", "0") == "1"
# Offline (the default) nothing is fetched, so a missing network cannot turn
# into a warning (and a failure under -W).
intersphinx_mapping = INTERSPHINX_MAPPING if USE_INTERSPHINX else {}
intersphinx_timeout = 10

# Offline, two kinds of references would be reported as missing (and fail
# the -W build): ``:term:`` references to scikit-learn's glossary (used in
# numpydoc parameter descriptions such as ``random_state``), which we point at
# the online glossary, and ``:ref:`` labels of scikit-learn's user guide in
# docstrings inherited from scikit-learn (``score``), which we link where we
# know the page and otherwise render as plain text.
SKLEARN_DOCS = "https://scikit-learn.org/stable/"
SKLEARN_LABELS = {
    "accuracy_score": "modules/model_evaluation.html#accuracy-score",
    "r2_score": "modules/model_evaluation.html#r2-score",
    "metadata_routing": "metadata_routing.html",
}


def _external_reference(uri, contnode):
    reference = nodes.reference("", "", internal=False, refuri=uri)
    reference += contnode
    return reference


def _resolve_offline(app, env, node, contnode):
    if USE_INTERSPHINX:
        return None
    reftype, target = node.get("reftype"), node.get("reftarget", "")
    if reftype == "term":
        anchor = re.sub(r"[^a-z0-9_]+", "-", target.lower()).strip("-")
        uri = f"{SKLEARN_DOCS}glossary.html#term-{anchor}"
        return _external_reference(uri, contnode)
    if reftype == "ref" and "docstring of sklearn." in str(node.source or ""):
        if target in SKLEARN_LABELS:
            return _external_reference(SKLEARN_DOCS + SKLEARN_LABELS[target], contnode)
        return contnode
    return None


# -- sphinx-gallery -----------------------------------------------------------

# Examples executed by default: fast ones (well under a minute on 2 CPU
# cores). The others are rendered with their code but without output.
_DEFAULT_EXECUTED = ["plot_attribution_ground_truth"]
_EXECUTE = os.environ.get("SKCHAOS_DOCS_EXECUTE", "default").strip()
if _EXECUTE in ("", "default"):
    _FILENAME_PATTERN = "|".join(
        re.escape(os.sep) + re.escape(name) + r"\.py$" for name in _DEFAULT_EXECUTED
    )
elif _EXECUTE == "all":
    _FILENAME_PATTERN = re.escape(os.sep) + "plot_"
elif _EXECUTE == "none":
    _FILENAME_PATTERN = r"^$"  # matches no path
else:
    _FILENAME_PATTERN = _EXECUTE

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": _FILENAME_PATTERN,
    "ignore_pattern": r"__init__\.py|/_",
    "within_subsection_order": "FileNameSortKey",
    # Code links in the examples resolve against the pages being built (and
    # intersphinx when enabled); sphinx-gallery's old ``reference_url`` is
    # deprecated and not set.
    "doc_module": ("skchaos",),
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "show_memory": False,
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
}

# Agg backend for the examples; quiet a known harmless warning.
os.environ.setdefault("MPLBACKEND", "Agg")

# The examples run in this process. Their networks are small: one torch thread
# is about as fast as two on an idle machine and several times faster on a
# busy one (contended intra-op threads spin). SKCHAOS_DOCS_TORCH_THREADS
# overrides it.
import torch

torch.set_num_threads(int(os.environ.get("SKCHAOS_DOCS_TORCH_THREADS", "1")))
warnings.filterwarnings(
    "ignore",
    message="Matplotlib is currently using agg",
    category=UserWarning,
)

# -- HTML output --------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skchaos {release}"
html_short_title = "skchaos"
html_theme_options = {
    "github_url": "https://github.com/skchaos/skchaos",
    "navbar_align": "left",
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
    "navigation_with_keys": False,
}
html_sidebars = {
    "index": [],
    "getting_started": [],
    "reproducing": [],
    "changelog": [],
}
html_context = {"default_mode": "light"}
html_show_sourcelink = True
html_copy_source = True
html_last_updated_fmt = None


# Public data objects (``PAPER_FORMULAS``) are documented by a ``#:`` comment
# in the private module that defines them; autodoc only looks for it in the
# public module, and would show the docstring of ``tuple`` instead.
def _private_doc_comment(module_name, attribute):
    import pkgutil

    from sphinx.pycode import ModuleAnalyzer, PycodeError

    package = importlib.import_module(module_name)
    candidates = [module_name]
    if hasattr(package, "__path__"):
        candidates += [
            f"{module_name}.{info.name}"
            for info in pkgutil.iter_modules(package.__path__)
        ]
    for candidate in candidates:
        try:
            docs = ModuleAnalyzer.for_module(candidate).find_attr_docs()
        except PycodeError:
            continue
        if ("", attribute) in docs:
            return list(docs[("", attribute)])
    return None


def _document_data(app, what, name, obj, options, lines):
    if what != "data" or not name.startswith("skchaos."):
        return
    module_name, _, attribute = name.rpartition(".")
    comment = _private_doc_comment(module_name, attribute)
    if comment is not None:
        lines[:] = comment


# scikit-learn style shapes such as ``ndarray of shape (n_features_in_,)``:
# unquoted, docutils reads ``n_features_in_`` as a reference to a target named
# "n_features_in" and fails the build. Quote fitted-attribute names there
# (scikit-learn's own docstrings write (`n_features_in_`,)).
_SHAPE_ATTRIBUTE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?=\s*[,)])")


def _quote_shape_attributes(app, what, name, obj, options, lines):
    for index, line in enumerate(lines):
        head, marker, tail = line.partition("shape (")
        if marker:
            lines[index] = head + marker + _SHAPE_ATTRIBUTE.sub(r"`\1`", tail)


def setup(app):
    app.connect("missing-reference", _resolve_offline)
    app.connect("autodoc-process-docstring", _document_data)
    app.connect("autodoc-process-docstring", _quote_shape_attributes)
