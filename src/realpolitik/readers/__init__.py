"""Readers: files, HTML, RSS/Atom feeds and posted text into ``Document``s with one canonical text, or per-item errors."""
