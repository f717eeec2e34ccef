"""The `jobingest` command line: thin commands over functions the tests call directly.

A module per command group (run, read, operate, publish, dlq, index, dev) registers its
commands on the root app (`cli.app`); `cli.preamble` holds what they share.
"""
