"""`python -m cli`: the same as the `jobingest` command."""

from cli.main import main

main()
