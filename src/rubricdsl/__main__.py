"""`python -m rubricdsl`: the command line."""

import sys

from rubricdsl.cli import main

sys.exit(main())
