"""``python -m omi_push_testing`` = ``python -m omi_push.testing``."""

import sys

from ._serve import main

sys.exit(main())
