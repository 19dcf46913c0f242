"""Every public object documents exactly its parameters, in order.

scikit-learn's ``test_docstring_parameters`` pattern, parsed with numpydoc's
``docscrape``: for every name in the ``__all__`` of skchaos's public
subpackages, a class's docstring lists the parameters of its ``__init__``,
and a function's or public method's docstring lists its own; ``*args`` and
``**kwargs`` are not required, and ``fit``-like methods may leave out a ``y``
that defaults to None (scikit-learn's convention). Methods are checked where
skchaos defines them, not where they are inherited from scikit-learn, skorch
or torch; skchaos's overrides of skorch's training-loop hooks
(``SKORCH_HOOKS``) are exempt, since skorch fixes and documents their
parameters.
"""

import importlib
import inspect
import warnings

import pytest

pytest.importorskip("numpydoc")
from numpydoc import docscrape  # noqa: E402

SUBPACKAGES = (
    "attribution",
    "benchmark",
    "datasets",
    "feature_selection",
    "metrics",
    "neural",
    "preprocessing",
    "utils",
)
# scikit-learn's list: these may leave out ``y=None``.
METHODS_IGNORE_NONE_Y = (
    "fit",
    "score",
    "fit_predict",
    "fit_transform",
    "partial_fit",
    "predict",
)

# skorch's training-loop hooks that the nets override; their signatures are
# skorch's API, documented there, and are not called by users.
SKORCH_HOOKS = frozenset(
    {
        "check_data",
        "get_dataset",
        "get_iterator",
        "get_loss",
        "get_split_datasets",
        "infer",
        "initialize_callbacks",
        "initialize_criterion",
        "initialize_module",
        "initialize_optimizer",
        "on_batch_begin",
        "on_batch_end",
        "on_epoch_begin",
        "on_epoch_end",
        "on_train_begin",
        "on_train_end",
        "run_single_epoch",
        "train_step",
        "train_step_single",
        "validation_step",
        "evaluation_step",
    }
)


def _public_objects():
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"skchaos.{sub}")
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"skchaos.{sub}.{name}", obj


def _signature_parameters(func, ignore=()):
    parameters = inspect.signature(func).parameters.values()
    names = [
        p.name
        for p in parameters
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in ignore
    ]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def _documented_parameters(docstring, ignore=()):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown sections are not our concern
        doc = docscrape.NumpyDocString(docstring or "")
    names = []
    for entry in doc["Parameters"]:
        for name in entry.name.split(","):
            name = name.strip().strip("`")
            if name and "*" not in name and name not in ignore:
                names.append(name)
    return names


def parameter_mismatch(func, docstring, label, ignore=()):
    """A message when ``docstring`` does not list exactly ``func``'s parameters."""
    signature = _signature_parameters(func, ignore)
    documented = _documented_parameters(docstring, ignore)
    if signature == documented:
        return []
    missing = [name for name in signature if name not in documented]
    extra = [name for name in documented if name not in signature]
    detail = f"undocumented {missing}" if missing else ""
    if extra:
        detail += f"{', ' if detail else ''}documented but absent {extra}"
    if not detail:
        detail = f"order differs: signature {signature}, docstring {documented}"
    return [f"{label}: {detail}"]


def _own_public_methods(cls):
    """Public methods (not properties) that skchaos defines for ``cls``."""
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or name in SKORCH_HOOKS or not callable(member):
            continue
        raw = inspect.getattr_static(cls, name)
        if isinstance(raw, property) or inspect.isclass(member):
            continue
        func = getattr(raw, "__func__", raw)
        if not getattr(func, "__module__", "").startswith("skchaos"):
            continue
        yield name, member


def check_object(qualname, obj):
    """All parameter mismatches of a public function or class and its methods."""
    if inspect.isfunction(obj):
        return parameter_mismatch(obj, inspect.getdoc(obj), qualname)
    problems = parameter_mismatch(obj.__init__, obj.__doc__, qualname)
    for name, method in _own_public_methods(obj):
        ignore = ()
        if name in METHODS_IGNORE_NONE_Y:
            y = inspect.signature(method).parameters.get("y")
            if y is not None and y.default is None:
                ignore = ("y",)
        problems += parameter_mismatch(
            method, inspect.getdoc(method), f"{qualname}.{name}", ignore
        )
    return problems


PUBLIC_OBJECTS = dict(_public_objects())


def test_public_objects_are_found():
    assert len(PUBLIC_OBJECTS) >= 30
    assert "skchaos.feature_selection.AttributionRFE" in PUBLIC_OBJECTS


@pytest.mark.parametrize("qualname", sorted(PUBLIC_OBJECTS))
def test_docstring_parameters(qualname):
    problems = check_object(qualname, PUBLIC_OBJECTS[qualname])
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------
# The checker itself
# --------------------------------------------------------------------------


def _documented(a, b=1, *args, c=None, **kwargs):
    """Summary.

    Parameters
    ----------
    a, b : int
        Two.
    *args : tuple
        More.
    c : None
        Three.
    **kwargs : dict
        Others.
    """


def _undocumented(a, b=1):
    """Summary.

    Parameters
    ----------
    a : int
        One.
    d : int
        Not a parameter.
    """


def _reordered(a, b):
    """Summary.

    Parameters
    ----------
    b : int
    a : int
    """


class _Estimator:
    """Summary.

    Parameters
    ----------
    alpha : float
        A parameter.
    """

    __module__ = "skchaos.fake"

    def __init__(self, alpha=1.0, beta=2.0):
        self.alpha, self.beta = alpha, beta

    def fit(self, X, y=None):
        """Fit.

        Parameters
        ----------
        X : array-like
            Data.

        Returns
        -------
        self : object
        """
        return self

    def transform(self, X, copy=True):
        """Transform.

        Parameters
        ----------
        X : array-like
            Data.
        """


_Estimator.fit.__module__ = _Estimator.transform.__module__ = "skchaos.fake"


def test_checker_accepts_a_documented_function():
    assert parameter_mismatch(_documented, _documented.__doc__, "f") == []


def test_checker_reports_missing_extra_and_reordered_parameters():
    (message,) = parameter_mismatch(_undocumented, _undocumented.__doc__, "g")
    assert "undocumented ['b']" in message and "absent ['d']" in message
    (message,) = parameter_mismatch(_reordered, _reordered.__doc__, "h")
    assert "order differs" in message


def test_checker_checks_init_and_own_methods():
    problems = check_object("skchaos.fake._Estimator", _Estimator)
    assert problems == [
        "skchaos.fake._Estimator: undocumented ['beta']",
        "skchaos.fake._Estimator.transform: undocumented ['copy']",
    ]
