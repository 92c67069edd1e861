import sys

from dialgym.cli import main

sys.exit(main())
