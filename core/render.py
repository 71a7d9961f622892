"""An answer's parts as blocks of lines, and the plain text of the contract built from them (see core.model)."""

from __future__ import annotations

from core.model import Block, BlockKind, blocks, plain, source_lines, words

__all__ = ["Block", "BlockKind", "blocks", "plain", "source_lines", "words"]
