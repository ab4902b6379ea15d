"""Thin adapters that run a cleaner ``Pipeline`` inside other engines.

Each is imported only when used, so ``import cleaner`` and the CLI never load
Ray, datatrove or datasets. Install them with the extras ``chrome-cleaner[ray]``,
``chrome-cleaner[datatrove]``, ``chrome-cleaner[hf]``.
"""
