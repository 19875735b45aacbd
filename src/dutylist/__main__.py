import sys

from dutylist.cli import main

sys.exit(main())
