"""The bundled world and rules, shipped with the package (``fixtures/`` and ``rules/``, linked here).

In a checkout these are links to the repository's own folders; a built wheel holds copies, so an
installed ``accede`` finds its world through ``importlib.resources`` wherever it is run from.
"""
