"""Kept for imports that predate :mod:`cleaner.formats.jsonl`, where this now lives."""

from cleaner.formats.jsonl import JSONL_SUFFIXES, compression, is_jsonl, open_read, open_write

__all__ = ["JSONL_SUFFIXES", "compression", "is_jsonl", "open_read", "open_write"]
