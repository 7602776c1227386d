import sys

from spikeset.cli import main

sys.exit(main())
