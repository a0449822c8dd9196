"""`python -m newsgen` runs the command line."""

import sys

from newsgen.cli import main

sys.exit(main())
