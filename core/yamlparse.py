"""The YAML parser of core/yamlload.py: PyYAML's safe loader composing nodes without recursion within the limits,
keeping dates as strings and recording lines and duplicate keys. Imported only when a knowledge file is read."""

from __future__ import annotations

from typing import Any

import yaml

from core.yamldata import (
    MAX_ALIASES,
    MAX_ANCHORS,
    MAX_DEPTH,
    MAX_DOCUMENT_CHARS,
    MAX_NODES,
    MAX_STRING_CHARS,
    LineDict,
    LineList,
    Problem,
)


class LimitError(yaml.MarkedYAMLError):
    """A YAML file goes beyond one of the limits of core/yamldata.py."""


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader that keeps dates as strings, records lines and duplicate keys, and enforces the limits.

    Nodes are composed here, from the parser's events, without recursion: the composer counts nesting, anchors,
    aliases, the nodes and characters of the document as if every alias were expanded, and the length of each
    string, and stops at the first limit passed (an alias bomb is refused after reading its few lines).
    """

    problems: list[tuple[int, str]]

    def get_single_node(self) -> yaml.Node | None:
        self.get_event()  # stream start
        node = None
        if not self.check_event(yaml.StreamEndEvent):
            node = self._compose_document()
        if not self.check_event(yaml.StreamEndEvent):
            event = self.get_event()
            raise yaml.composer.ComposerError(
                "expected a single document in the stream", node.start_mark if node else None, "but found another document", event.start_mark
            )
        self.get_event()  # stream end
        return node

    def _compose_document(self) -> yaml.Node:
        self.get_event()  # document start
        budget = _Budget()
        anchors: dict[str, yaml.Node] = {}
        sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (nodes, characters) of its full expansion
        # Open collections: the node, the counts when it started, and a mapping's pending key.
        stack: list[tuple[yaml.Node, int, int, list[yaml.Node]]] = []
        root: yaml.Node | None = None
        while True:
            event = self.get_event()
            if isinstance(event, yaml.DocumentEndEvent):
                break
            mark: Any = event.start_mark
            node: yaml.Node
            if isinstance(event, yaml.AliasEvent):
                name = str(event.anchor)
                if name not in anchors:
                    raise yaml.composer.ComposerError(None, None, f"found undefined alias {name!r}", mark)
                node = anchors[name]
                if any(frame[0] is node for frame in stack):
                    raise LimitError(None, None, f"alias *{name} refers to a collection that contains it (a recursive structure)", mark)
                budget.alias(mark)
                budget.add(*sizes[id(node)], mark)
            elif isinstance(event, yaml.ScalarEvent):
                value = str(event.value)
                if len(value) > MAX_STRING_CHARS:
                    raise LimitError(None, None, f"a string of {len(value):,} characters, over the limit of {MAX_STRING_CHARS:,}", mark)
                tag = event.tag
                if tag is None or tag == "!":
                    tag = self.resolve(yaml.ScalarNode, value, event.implicit)
                end: Any = event.end_mark
                node = yaml.ScalarNode(tag, value, mark, end, style=event.style)
                sizes[id(node)] = (1, len(value))
                budget.add(1, len(value), mark)
                if event.anchor is not None:
                    budget.anchor(anchors, str(event.anchor), node, mark)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise LimitError(None, None, f"collections nested more than {MAX_DEPTH} deep", mark)
                kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = self.resolve(kind, None, event.implicit)
                collection = kind(tag, [], mark, None, flow_style=event.flow_style)
                if event.anchor is not None:
                    budget.anchor(anchors, str(event.anchor), collection, mark)
                stack.append((collection, budget.nodes, budget.chars, []))
                budget.add(1, 0, mark)
                continue
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                node, nodes_before, chars_before, _ = stack.pop()
                node.end_mark = event.end_mark
                sizes[id(node)] = (budget.nodes - nodes_before, budget.chars - chars_before)
            else:
                raise yaml.composer.ComposerError(None, None, f"unexpected {type(event).__name__}", mark)
            if not stack:
                root = node
            elif isinstance(stack[-1][0], yaml.SequenceNode):
                stack[-1][0].value.append(node)
            else:
                pending = stack[-1][3]
                if pending:
                    stack[-1][0].value.append((pending.pop(), node))
                else:
                    pending.append(node)
        if root is None:
            raise yaml.composer.ComposerError(None, None, "empty document", None)
        return root


class _Budget:
    """What one YAML document has used of the limits so far, aliases counted as full copies."""

    def __init__(self) -> None:
        self.nodes = 0
        self.chars = 0
        self.aliases = 0

    def add(self, nodes: int, chars: int, mark: Any) -> None:
        self.nodes += nodes
        self.chars += chars
        if self.nodes > MAX_NODES:
            raise LimitError(None, None, f"the document expands to more than {MAX_NODES:,} nodes (aliases counted as copies)", mark)
        if self.chars > MAX_DOCUMENT_CHARS:
            raise LimitError(None, None, f"the document expands to more than {MAX_DOCUMENT_CHARS:,} characters (aliases counted as copies)", mark)

    def alias(self, mark: Any) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise LimitError(None, None, f"more than {MAX_ALIASES} aliases in one file", mark)

    @staticmethod
    def anchor(anchors: dict[str, yaml.Node], name: str, node: yaml.Node, mark: Any) -> None:
        if name not in anchors and len(anchors) >= MAX_ANCHORS:
            raise LimitError(None, None, f"more than {MAX_ANCHORS} anchors in one file", mark)
        anchors[name] = node


# Keep dates (and anything timestamp-like) as strings until parsed on purpose.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            loader.problems.append((line, f"unhashable key {key!r}"[:200]))
            continue
        if key in out:
            loader.problems.append((line, f"duplicate key {key!r} (first on line {out.key_lines[key]})"[:200]))
            continue
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode, deep: bool = False) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse(text: str, name: str) -> tuple[Any, list[Problem]]:
    """The data of one YAML document (None when it cannot be loaded) and every problem found, named `name`."""
    loader = _Loader(text)
    loader.problems = []
    try:
        data = loader.get_single_data()
    except LimitError as exc:
        mark = exc.problem_mark
        return None, [Problem(name, mark.line + 1 if mark else 1, f"refused: {exc.problem}")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, [Problem(name, line, f"YAML syntax error: {exc.problem or exc}")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, 1, f"YAML error: {exc}")]
    finally:
        loader.dispose()
    return data, [Problem(name, line, msg) for line, msg in loader.problems]
