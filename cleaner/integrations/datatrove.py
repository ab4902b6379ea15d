"""A datatrove formatter step that cleans each document with a cleaner ``Pipeline``.

>>> from datatrove.executor import LocalPipelineExecutor              # doctest: +SKIP
>>> from cleaner.integrations.datatrove import CleanerFormatter       # doctest: +SKIP
>>> LocalPipelineExecutor([reader, CleanerFormatter(rules=["zh-news"]), writer]).run()  # doctest: +SKIP

Per-rule figures go through datatrove's own stats: ``removed_lines/<rule>`` and
``removed_chars/<rule>``, plus ``flagged`` for documents the over-removal guard kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.utils.typeshelper import StatHints

from cleaner.pipeline import Pipeline


class CleanerFormatter(BaseFormatter):
    """Remove chrome with cleaner rule sets (built-in names or YAML paths) and normalise with ftfy."""

    name = "🧹 cleaner"

    def __init__(self, rules: Sequence[str] = (), pipeline: Pipeline | None = None, url_key: str = "url") -> None:
        super().__init__()
        self.pipeline = pipeline if pipeline is not None else Pipeline.from_rules(*rules)
        self.url_key = url_key

    def format(self, text: str) -> str:
        return self.pipeline(text)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                url = doc.metadata.get(self.url_key) if doc.metadata else None
                result = self.pipeline.clean(doc.text, url=url if isinstance(url, str) else None)
            for removal in result.removals:
                self.stat_update(f"removed_lines/{removal.rule_id}", value=removal.last_line - removal.first_line + 1)
                self.stat_update(f"removed_chars/{removal.rule_id}", value=len(removal.text))
            if result.flagged:
                self.stat_update("flagged")
            doc.text = result.text
            yield doc
