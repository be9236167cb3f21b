"""``python -m noise_core``: the command line (``noise_core.cli``)."""

import sys

from noise_core.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m noise_core"))
