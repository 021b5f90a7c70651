"""`python -m plp.chaos`: what `bash dev chaos` runs."""

import sys

from . import main

sys.exit(main())
