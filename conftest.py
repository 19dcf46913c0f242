"""Repository-wide pytest configuration: ``slow`` and ``gpu`` markers."""

import matplotlib
import pytest

matplotlib.use("Agg")


def pytest_configure(config):
    # The test nets are tiny: one intra-op thread beats two on a 2-core CI box
    # (thread hand-off costs more than the work), and keeps timings stable.
    import torch

    torch.set_num_threads(1)


def pytest_addoption(parser):
    parser.addoption(
        "--runslow", action="store_true", default=False, help="run tests marked slow"
    )


def pytest_collection_modifyitems(config, items):
    import torch

    skip_slow = pytest.mark.skip(reason="slow test: pass --runslow to run it")
    skip_gpu = pytest.mark.skip(reason="CUDA is not available")
    has_cuda = torch.cuda.is_available()
    for item in items:
        if "slow" in item.keywords and not config.getoption("--runslow"):
            item.add_marker(skip_slow)
        if "gpu" in item.keywords and not has_cuda:
            item.add_marker(skip_gpu)
