"""XML bank files parsed safely (no DTDs, entities or external references) into a plain tree.

Only this module touches the XML parser. Namespaces are dropped from names,
as every CAMT version uses the same element names, and each node knows its
path (``Stmt[1]/Ntry[3]/Amt``) so that a problem can say where it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import NamedTuple
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from creditdesk.imports.bank.checks import StatementProblem, stop

_DEEPEST = 40  # CAMT nests about a dozen levels; far deeper is not a statement


class Node(NamedTuple):
    """One element; a named tuple, as a statement of ten thousand entries has some 170,000 of them."""

    name: str  # without its namespace
    path: str
    text: str
    attributes: dict[str, str]
    children: tuple[Node, ...] = ()
    namespace: str = ""
    line: int = 0  # where it starts, when the reader knows (OFX's SGML); 0 in XML, where ``path`` says

    def refused(self, message: str) -> StatementProblem:
        """A problem about this node, pointing at its line if known, else at its element path."""
        return stop(message, line=self.line) if self.line else stop(message, element=self.path)

    def find(self, *names: str) -> Node | None:
        """The first node down ``names`` (each the first child of that name), or None."""
        node: Node | None = self
        for name in names:
            node = next((child for child in node.children if child.name == name), None) if node else None
        return node

    def all(self, name: str) -> Iterator[Node]:
        return (child for child in self.children if child.name == name)

    def text_of(self, *names: str) -> str:
        node = self.find(*names)
        return node.text if node is not None else ""

    def where(self, *names: str) -> str:
        """The path a missing child would have, for messages."""
        return "/".join((self.path, *names)) if self.path else "/".join(names)


def parse_xml(data: bytes) -> Node:
    """The document's root as a tree; a DTD, an entity or damaged XML stops with a problem."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise stop(
            "the file declares a document type or entities, which no bank statement does; "
            "CreditDesk does not read such XML, to keep your computer safe"
        ) from None
    except ParseError as exc:
        line = exc.position[0] if exc.position else 0
        raise stop(f"this is not well-formed XML ({exc.msg}); export the file again", line=line) from None
    return _node(root, "")


@cache  # a statement repeats a few dozen names thousands of times
def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _node(element: Element, parent: str) -> Node:
    namespace, name = _split(str(element.tag))
    return _build(element, name, namespace, name if not parent else f"{parent}/{name}", 0)


def _build(element: Element, name: str, namespace: str, path: str, depth: int) -> Node:
    if depth > _DEEPEST:
        raise stop("the XML is nested far deeper than a bank statement; export the file again", element=path)
    counts: dict[str, int] = {}
    children = []
    for child in element:
        if not isinstance(child.tag, str):  # comments and processing instructions
            continue
        child_namespace, child_name = _split(child.tag)
        counts[child_name] = counts.get(child_name, 0) + 1
        children.append((child, child_name, child_namespace, counts[child_name]))
    built = []
    for child, child_name, child_namespace, index in children:
        # Repeated elements carry their place: Ntry[3]; a single one its plain name.
        label = f"{child_name}[{index}]" if counts[child_name] > 1 else child_name
        built.append(_build(child, child_name, child_namespace, f"{path}/{label}", depth + 1))
    return Node(
        name,
        path,
        (element.text or "").strip(),
        dict(element.attrib),
        tuple(built),
        namespace,
    )
