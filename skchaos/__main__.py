"""``python -m skchaos``: the ``skchaos`` command line."""

import sys

from skchaos._cli import main

if __name__ == "__main__":
    sys.exit(main())
