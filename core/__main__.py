"""``python -m lightninghire`` is the ``lightninghire`` command."""

import sys

from lightninghire.cli import main

sys.exit(main())
