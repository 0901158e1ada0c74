"""``python -m opensrm.cli``."""

from opensrm.cli import main

main()
