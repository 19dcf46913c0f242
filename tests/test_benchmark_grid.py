"""Configuration validation, presets, config files and grid expansion."""

import re

import pytest

from skchaos.benchmark import (
    available_presets,
    expand_grid,
    load_config,
    preset_description,
)
from skchaos.neural import MLPRegressor

TINY_MODEL = {"name": "tiny", "hidden_layer_sizes": [8], "max_epochs": 5}


def _grid(**datasets):
    return {
        "datasets": {"formulas": [1], "n_samples": [100], **datasets},
        "models": [TINY_MODEL],
    }


def test_expand_grid_counts_and_order():
    config = {
        "datasets": {
            "formulas": [1, "sin(a) * b"],
            "n_noise_features": [0, 10, 20],
            "noise": [0.0, 0.1],
        },
        "models": [TINY_MODEL, {"name": "wide", "width": 16, "n_layers": 2}],
        "seeds": [3, 4],
    }
    cells = expand_grid(config)
    assert len(cells) == 2 * 3 * 2 * 2 * 2
    keys = [
        (
            c["dataset"]["formula"],
            c["dataset"]["n_noise_features"],
            c["dataset"]["noise"],
            c["model"]["name"],
            c["seed"],
        )
        for c in cells
    ]
    # formulas outermost, then dataset axes, then models, then seeds
    assert keys[:5] == [
        ("a", 0, 0.0, "tiny", 3),
        ("a", 0, 0.0, "tiny", 4),
        ("a", 0, 0.0, "wide", 3),
        ("a", 0, 0.0, "wide", 4),
        ("a", 0, 0.1, "tiny", 3),
    ]
    assert keys[-1] == ("sin(a) * b", 20, 0.1, "wide", 4)
    assert len({c["cell_id"] for c in cells}) == len(cells)
    assert cells[2]["model"]["params"]["hidden_layer_sizes"] == [16, 16]
    assert expand_grid(config) == cells  # deterministic


def test_seeds_do_not_depend_on_the_grid_around_a_cell():
    small = expand_grid(_grid(n_noise_features=[5]))
    big = expand_grid(
        {
            "datasets": {
                "formulas": [2, 1],
                "n_noise_features": [0, 5],
                "n_samples": [100],
            },
            "models": [{"name": "other", "max_epochs": 3}, TINY_MODEL],
            "seeds": [1, 0],
        }
    )
    (same,) = [
        c
        for c in big
        if c["dataset"]["formula_id"] == 1
        and c["dataset"]["n_noise_features"] == 5
        and c["model"]["name"] == "tiny"
        and c["seed"] == 0
    ]
    assert same["cell_id"] == small[0]["cell_id"]
    assert same["seeds"] == small[0]["seeds"]
    # every model of a grid sees the same data and split, not the same init
    (other,) = [
        c
        for c in big
        if c["dataset"]["formula_id"] == 1
        and c["dataset"]["n_noise_features"] == 5
        and c["model"]["name"] == "other"
        and c["seed"] == 0
    ]
    assert other["seeds"]["data"] == same["seeds"]["data"]
    assert other["seeds"]["split"] == same["seeds"]["split"]
    assert other["seeds"]["model"] != same["seeds"]["model"]
    # seeds and random_state change everything
    seeds = {c["seed"]: c["seeds"]["data"] for c in big if c["model"]["name"] == "tiny"}
    assert seeds[0] != seeds[1]
    moved = expand_grid(_grid(n_noise_features=[5]), random_state=1)[0]
    assert moved["seeds"]["data"] != small[0]["seeds"]["data"]
    assert moved["cell_id"] != small[0]["cell_id"]


def test_load_config_fills_defaults():
    config = load_config({"datasets": {"formulas": "all"}})
    assert len(config["datasets"]["formulas"]) == 15
    assert config["datasets"]["formulas"][12]["formula_id"] == 13
    assert config["datasets"]["n_noise_features"] == [100]
    assert config["datasets"]["noise"] == [0.01]
    assert config["datasets"]["n_samples"] == [10000]
    assert config["datasets"]["ig_steps"] == 20
    assert config["seeds"] == [0]
    assert config["test_size"] == 0.2
    assert [m["name"] for m in config["methods"]] == [
        "saliency",
        "integrated_gradients",
        "deeplift",
        "feature_ablation",
    ]
    assert {m["name"]: m["truth"] for m in config["methods"]}["deeplift"] == (
        "integrated_gradients"
    )
    (model,) = config["models"]
    assert model["params"]["hidden_layer_sizes"] == [100, 100, 100]
    assert model["params"]["max_epochs"] == 1000
    assert load_config(config) is config  # a normalized config passes through


@pytest.mark.parametrize(
    "config, error, match",
    [
        (
            {"dataset": {}},
            ValueError,
            re.escape(
                "Unknown key(s) 'dataset' in the benchmark config; valid keys are "
                "'datasets', 'description'"
            ),
        ),
        ({"models": []}, ValueError, "needs a 'datasets' section"),
        (
            {"datasets": {"formula": [1]}},
            ValueError,
            re.escape(
                "Unknown key(s) 'formula' in the 'datasets' section; valid "
                "keys are 'formulas'"
            ),
        ),
        (
            {"datasets": {"formulas": [16]}},
            ValueError,
            r"datasets.formulas\[0\]: formula=16 is not a paper formula id",
        ),
        (
            {"datasets": {"formulas": [1, "import os"]}},
            ValueError,
            r"datasets.formulas\[1\]: formula 'import os' is not a valid",
        ),
        ({"datasets": {"formulas": ["a +* b"]}}, ValueError, "not a valid expression"),
        ({"datasets": {"formulas": [1, 1]}}, ValueError, "more than once"),
        (
            {"datasets": {"formulas": [1], "n_noise_features": [-1]}},
            ValueError,
            r"datasets.n_noise_features=-1 is invalid; expected an int >= 0",
        ),
        (
            {"datasets": {"formulas": [1], "noise": ["high"]}},
            TypeError,
            "datasets.noise='high' has type str; expected a number",
        ),
        (
            {"datasets": {"formulas": [1], "n_samples": [2.5]}},
            TypeError,
            "datasets.n_samples=2.5 has type float",
        ),
        (
            {"datasets": {"formulas": [1]}, "methods": ["saliency", "magic"]},
            ValueError,
            r"methods\[1\]: unknown attribution method 'magic'; expected "
            "one of .*'deeplift'",
        ),
        (
            {"datasets": {"formulas": [1]}, "methods": ["lime"]},
            ValueError,
            "method 'lime' has no default ground truth",
        ),
        (
            {
                "datasets": {"formulas": [1]},
                "methods": [{"name": "integrated_gradients", "params": {"steps": 3}}],
            },
            TypeError,
            r"methods\[0\].params: .*'steps'",
        ),
        (
            {
                "datasets": {"formulas": [1]},
                "methods": [{"name": "saliency", "params": {"abs": True}}],
            },
            ValueError,
            "sets 'abs'",
        ),
        (
            {"datasets": {"formulas": [1]}, "models": [{"hidden": [3]}]},
            ValueError,
            r"Unknown key\(s\) 'hidden' in models\[0\]; valid keys are .*"
            "'hidden_layer_sizes'",
        ),
        (
            {"datasets": {"formulas": [1]}, "models": [{"random_state": 3}]},
            ValueError,
            "seeds every model from the cell",
        ),
        (
            {"datasets": {"formulas": [1]}, "models": [{"max_epochs": 0}]},
            ValueError,
            "max_epochs",
        ),
        (
            {"datasets": {"formulas": [1]}, "models": [{"estimator": "svm"}]},
            ValueError,
            "estimator='svm' is not supported",
        ),
        (
            {"datasets": {"formulas": [1]}, "models": [{}, {}]},
            ValueError,
            "models \\(by name\\) lists 'mlp' more than once",
        ),
        ({"datasets": {"formulas": [1]}, "seeds": [-1]}, ValueError, "seeds=-1"),
        (
            {"datasets": {"formulas": [1]}, "test_size": 1.5},
            ValueError,
            r"test_size=1.5 is invalid; expected a finite number in \(0.0, 0.9\]",
        ),
        (
            {"datasets": {"formulas": [1], "n_samples": [10]}, "test_size": 0.1},
            ValueError,
            "fewer than 2 test rows",
        ),
        (
            {"datasets": {"formulas": [1]}, "models": [lambda: MLPRegressor()]},
            ValueError,
            "factory without a usable name",
        ),
        (
            {"datasets": {"formulas": [1]}, "models": [{"name": "x", "factory": 3}]},
            TypeError,
            "factory must be a callable",
        ),
        (
            {"datasets": {"formulas": [1]}, "models": [{"name": "x", "factory": dict}]},
            TypeError,
            "expected an unfitted estimator with fit and predict",
        ),
    ],
)
def test_load_config_rejects_bad_configs(config, error, match):
    with pytest.raises(error, match=match):
        load_config(config)


def test_load_config_rejects_bad_sources(tmp_path):
    with pytest.raises(
        ValueError,
        match="neither an existing file nor a preset; "
        r"expected .* \['paper-symbolic'",
    ):
        load_config("paper-symbolik")
    with pytest.raises(ValueError, match="does not exist"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("datasets = [\n")
    with pytest.raises(ValueError, match="Could not parse the TOML config"):
        load_config(bad)
    other = tmp_path / "grid.json"
    other.write_text("{}")
    with pytest.raises(ValueError, match="suffix '.json'"):
        load_config(other)
    with pytest.raises(TypeError, match="expected a dict, a path"):
        load_config(3)
    with pytest.raises(ValueError, match="no 'quick' section"):
        load_config({"datasets": {"formulas": [1]}}, quick=True)
    with pytest.raises(TypeError, match="random_state=None must be an int"):
        expand_grid({"datasets": {"formulas": [1]}}, random_state=None)


def test_toml_and_yaml_files_give_the_same_config(tmp_path):
    toml = tmp_path / "grid.toml"
    toml.write_text(
        'seeds = [0, 1]\nmethods = ["saliency", {name = "deeplift", label = "dl"}]\n'
        '[datasets]\nformulas = [2, "a*b"]\nn_noise_features = [0, 3]\n'
        'n_samples = [50]\n[[models]]\nname = "tiny"\nhidden_layer_sizes = [4]\n'
        "max_epochs = 2\n[quick.datasets]\nformulas = [2]\n"
    )
    yaml = pytest.importorskip("yaml")
    path = tmp_path / "grid.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "seeds": [0, 1],
                "methods": ["saliency", {"name": "deeplift", "label": "dl"}],
                "datasets": {
                    "formulas": [2, "a*b"],
                    "n_noise_features": [0, 3],
                    "n_samples": [50],
                },
                "models": [
                    {"name": "tiny", "hidden_layer_sizes": [4], "max_epochs": 2}
                ],
                "quick": {"datasets": {"formulas": [2]}},
            }
        )
    )
    from_toml, from_yaml = expand_grid(toml), expand_grid(path)
    assert len(from_toml) == 8
    assert [c["cell_id"] for c in from_toml] == [c["cell_id"] for c in from_yaml]
    assert [m["label"] for m in from_toml[0]["methods"]] == ["saliency", "dl"]
    quick = load_config(toml, quick=True)
    assert [f["formula_id"] for f in quick["datasets"]["formulas"]] == [2]
    assert quick["datasets"]["n_noise_features"] == [0, 3]  # merged, not replaced


def test_paper_symbolic_preset():
    assert "paper-symbolic" in available_presets()
    cells = expand_grid("paper-symbolic")
    assert len(cells) == 15 * 5
    assert sorted({c["dataset"]["n_noise_features"] for c in cells}) == [
        0,
        50,
        100,
        150,
        200,
    ]
    assert {c["dataset"]["n_samples"] for c in cells} == {10000}
    assert {c["model"]["name"] for c in cells} == {"mlp"}
    params = cells[0]["model"]["params"]
    assert params["hidden_layer_sizes"] == [100, 100, 100]
    assert params["max_epochs"] == 1000 and params["lr"] == 0.001
    quick = expand_grid(load_config("paper-symbolic", quick=True))
    assert 8 <= len(quick) <= 16
    assert quick[0]["model"]["params"]["max_epochs"] < 1000


def test_preset_description():
    assert "ChaosMining" in preset_description("paper-symbolic")
    with pytest.raises(ValueError, match=r"name='nope' is not a built-in preset"):
        preset_description("nope")


def test_cell_id_is_a_stable_content_hash():
    (cell,) = expand_grid(_grid())
    assert re.fullmatch("[0-9a-f]{16}", cell["cell_id"])
    (again,) = expand_grid(_grid(noise=[0.01], n_noise_features=100))
    assert again["cell_id"] == cell["cell_id"]  # defaults are explicit
    (changed,) = expand_grid(_grid(ig_steps=10))
    assert changed["cell_id"] != cell["cell_id"]
