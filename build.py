#!/usr/bin/env python3
"""The main entry: validate, draft, check, gate and publish. Same as `handouts build`."""

import sys

from handouts.cli import main

if __name__ == "__main__":
    sys.argv[1:1] = ["build"]
    main()
