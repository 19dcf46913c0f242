"""The description of one attribution method, as the registry stores it.

A :class:`_MethodSpec` says everything :func:`~skchaos.attribution.attribute`
needs to know about a method: how to build the captum object, which keyword
arguments it accepts (and where they go), and the hooks for what differs
between methods (data-dependent defaults, minimum rows and baselines, rows
per input). The family modules (``_gradient_methods``, ``_deeplift_methods``,
``_perturbation_methods``) hold the specs; ``_registry`` collects them.
"""

from dataclasses import dataclass, field
from numbers import Integral, Real

from sklearn.utils._param_validation import (
    Interval,
    validate_parameter_constraints,
)

POSITIVE_INT = Interval(Integral, 1, None, closed="left")
NON_NEGATIVE = Interval(Real, 0, None, closed="left")
PERTURBATIONS = {"perturbations_per_eval": [POSITIVE_INT]}
MULTIPLY = {"multiply_by_inputs": ["boolean"]}


def is_index(value):
    """Whether ``value`` is an int (and not a bool)."""
    return isinstance(value, Integral) and not isinstance(value, bool)


def one_row(params, n_baselines):
    """The default of :attr:`_MethodSpec.rows_per_input`: no expansion."""
    return 1


def no_defaults(params, *, X, batch_size, rows):
    """The default of :attr:`_MethodSpec.defaults`: the params unchanged."""
    return dict(params)


@dataclass(frozen=True)
class _MethodSpec:
    """What :func:`attribute` needs to know about one method.

    Attributes
    ----------
    name : str
        The public name.
    build : callable
        ``build(forward_func, **init_params)`` returns the captum object.
    gradient_based : bool
        Whether the method back-propagates (needs a differentiable torch model).
    baselines : {None, "single", "distribution"}
        None: no baselines. "single": one reference per row (a scalar, one
        sample, or one row per sample; captum's default is zero). "distribution":
        a set of reference rows shared by all samples.
    feature_mask : bool
        Whether captum groups features with ``feature_mask``.
    stochastic : bool
        Whether the method (or its default baselines) draws random numbers.
    init_params, call_params : dict
        Accepted keyword arguments for the constructor and for ``attribute``,
        mapped to scikit-learn parameter constraints.
    rescale_rules : bool
        Whether the method is DeepLift-based (needs the rescale table).
    renames : dict
        Public keyword names that differ from captum's (``{public: captum}``),
        e.g. integrated gradients' ``method``, which would clash with
        :func:`attribute`'s own ``method``.
    rows_per_input : callable
        ``rows_per_input(call_params, n_baselines)`` gives how many network
        rows one input row becomes in a single forward pass (e.g.
        ``perturbations_per_eval``); :func:`attribute` divides ``batch_size``
        by it.
    defaults : callable
        ``defaults(call_params, *, X, batch_size, rows)`` returns the call
        parameters completed with the method's data-dependent defaults
        (``X`` is the network's input, ``rows`` the rows per batch); it may
        raise ValueError for values that only the data can reject.
    min_rows, min_baselines : int
        The fewest rows of X (and rows per batch), and the fewest baseline
        rows, the method works with.
    min_rows_error, min_baselines_error : str
        The reason given when there are fewer, a template with the fields
        ``min_rows`` and ``n_samples`` (``min_baselines`` and
        ``n_baselines``), following ``"method=<name> "``.
    """

    name: str
    build: object
    gradient_based: bool
    baselines: str | None = None
    feature_mask: bool = False
    stochastic: bool = False
    init_params: dict = field(default_factory=dict)
    call_params: dict = field(default_factory=dict)
    rescale_rules: bool = False
    renames: dict = field(default_factory=dict)
    rows_per_input: object = one_row
    defaults: object = no_defaults
    min_rows: int = 1
    min_rows_error: str = "needs at least {min_rows} rows; got {n_samples}."
    min_baselines: int = 1
    min_baselines_error: str = (
        "needs at least {min_baselines} baseline rows; got {n_baselines}."
    )

    @property
    def params(self):
        """The accepted keyword arguments, sorted."""
        return tuple(sorted({**self.init_params, **self.call_params}))

    def split_params(self, method_params):
        """Check ``method_params`` and split them by destination.

        Returns ``(init_params, call_params)``. Unknown names raise TypeError
        listing the accepted ones; bad values raise ValueError (scikit-learn's
        ``InvalidParameterError``).
        """
        accepted = {**self.init_params, **self.call_params}
        unknown = sorted(set(method_params) - set(accepted))
        if unknown:
            names = ", ".join(repr(name) for name in unknown)
            allowed = ", ".join(sorted(accepted)) or "none"
            raise TypeError(
                f"attribute() got unexpected keyword argument(s) {names} for "
                f"method={self.name!r}; the keyword arguments it accepts are: "
                f"{allowed}."
            )
        validate_parameter_constraints(
            accepted, method_params, caller_name=f"attribute(method={self.name!r})"
        )
        init = {k: v for k, v in method_params.items() if k in self.init_params}
        call = {
            self.renames.get(k, k): v
            for k, v in method_params.items()
            if k in self.call_params
        }
        return init, call

    def check_n_samples(self, n_samples):
        """Raise ValueError if X has fewer than :attr:`min_rows` rows."""
        if n_samples < self.min_rows:
            reason = self.min_rows_error.format(
                min_rows=self.min_rows, n_samples=n_samples
            )
            raise ValueError(f"method={self.name!r} {reason}")

    def check_n_baselines(self, n_baselines):
        """Raise ValueError if there are fewer than :attr:`min_baselines`."""
        if n_baselines < self.min_baselines:
            reason = self.min_baselines_error.format(
                min_baselines=self.min_baselines, n_baselines=n_baselines
            )
            raise ValueError(f"method={self.name!r} {reason}")
