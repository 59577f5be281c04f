#!/usr/bin/env python3
"""Writes a fixture of your own torch recurrent layer for `npx rnn-parity check` (run with --help).

The script form of `python -m rnn_parity` (rnn_parity/cli.py), runnable straight from
node_modules/rnn-parity/python/ with no PYTHONPATH: Python puts this folder on sys.path.
"""

import sys

from rnn_parity.cli import main

if __name__ == "__main__":
    sys.exit(main())
