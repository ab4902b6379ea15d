"""Doctest collection: skip the adapters whose engine is not installed (optional extras)."""

import importlib.util

collect_ignore = [
    f"cleaner/integrations/{module}.py"
    for module, package in (("ray", "ray"), ("datatrove", "datatrove"), ("hf", "datasets"))
    if importlib.util.find_spec(package) is None
]
