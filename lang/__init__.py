"""Shared language handling: text folding and conversion, numbers, quantities and dates. A leaf: imports nothing of ours."""
