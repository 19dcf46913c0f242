"""Where configurations come from: the built-in presets and TOML/YAML files."""

import importlib.resources
import os
import sys
from pathlib import Path

_PRESET_SUFFIX = ".toml"
_CONFIG_SUFFIXES = (".toml", ".yaml", ".yml")


def available_presets():
    """List the names of the built-in benchmark presets.

    Returns
    -------
    names : list of str
        Sorted preset names, for :func:`load_config`, :func:`run_benchmark`
        and ``skchaos benchmark --preset``.

    See Also
    --------
    load_config : Load and validate a preset, a file or a mapping.
    preset_description : Describe a preset in one line.

    Examples
    --------
    >>> from skchaos.benchmark import available_presets
    >>> "paper-symbolic" in available_presets()
    True
    """
    folder = importlib.resources.files("skchaos.benchmark") / "presets"
    return sorted(
        entry.name[: -len(_PRESET_SUFFIX)]
        for entry in folder.iterdir()
        if entry.name.endswith(_PRESET_SUFFIX)
    )


def preset_description(name):
    """Describe a built-in benchmark preset in one line.

    Parameters
    ----------
    name : str
        A preset name, one of :func:`available_presets`.

    Returns
    -------
    description : str
        The preset's ``description`` entry, or ``""`` if it has none.

    Raises
    ------
    ValueError
        If ``name`` is not a built-in preset.

    See Also
    --------
    available_presets : List the names of the built-in presets.
    load_config : Load and validate a preset, a file or a mapping.

    Examples
    --------
    >>> from skchaos.benchmark import preset_description
    >>> preset_description("paper-symbolic")
    'ChaosMining symbolic functional benchmark (arXiv:2406.12150)'
    """
    presets = available_presets()
    if not isinstance(name, str) or name not in presets:
        raise ValueError(
            f"name={name!r} is not a built-in preset; expected one of {presets}."
        )
    return str(read_preset(name).get("description", ""))


def _load_toml(text, origin):
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"Could not parse the TOML config {origin}: {exc}") from None
    except RecursionError:
        raise ValueError(
            f"Could not parse the TOML config {origin}: it is nested too deeply."
        ) from None


def _load_yaml(text, origin):
    try:
        import yaml
    except ImportError:
        raise ImportError(
            f"Reading the YAML config {origin} needs PyYAML; install it with "
            "`pip install pyyaml` (or `pip install skchaos[yaml]`), or use TOML."
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise ValueError(
            f"Could not parse the YAML config {origin}: {message}"
        ) from None
    except RecursionError:
        raise ValueError(
            f"Could not parse the YAML config {origin}: it is nested too deeply."
        ) from None


def read_preset(name):
    """The raw mapping of the preset ``name``."""
    presets = available_presets()
    if str(name) not in presets:
        raise ValueError(
            f"config={str(name)!r} is neither an existing file nor a preset; "
            f"expected a .toml/.yaml path or one of the presets {presets}."
        )
    folder = importlib.resources.files("skchaos.benchmark") / "presets"
    text = (folder / f"{name}{_PRESET_SUFFIX}").read_text(encoding="utf-8")
    return _load_toml(text, f"preset {str(name)!r}")


def read_source(source):
    """Return the raw mapping named by a path or a preset name."""
    path = Path(source)
    suffix = path.suffix.lower()
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ValueError(
                f"config file {str(path)!r} is not UTF-8 text; expected a TOML or "
                "YAML file."
            ) from None
        if suffix == ".toml":
            return _load_toml(text, repr(str(path)))
        if suffix in (".yaml", ".yml"):
            return _load_yaml(text, repr(str(path)))
        raise ValueError(
            f"config file {str(path)!r} has the suffix {suffix!r}; expected "
            "'.toml', '.yaml' or '.yml'."
        )
    if suffix in _CONFIG_SUFFIXES or os.sep in str(source):
        raise ValueError(f"config file {str(source)!r} does not exist.")
    return read_preset(source)
