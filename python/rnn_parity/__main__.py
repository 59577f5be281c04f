"""python -m rnn_parity: the command-line form of export_fixture (rnn_parity/cli.py)."""

import sys

from .cli import main

sys.exit(main(prog="python -m rnn_parity"))
