"""Read Intuit's qbXML XSDs into a small content model the emitter can walk.

The schemas use a narrow subset of XML Schema: global and local elements, named complex
types, named groups, sequence and choice compositors, attributes and restrictions of a
handful of simple types. That subset is all this reader understands; anything else is
an error, so a new schema construct cannot be silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

XS = "{http://www.w3.org/2001/XMLSchema}"
UNBOUNDED = -1

# Patterns of named types whose values are plain strings in Python; the numeric and date
# types get their own formatting in the encoder. (Checked in full, anchored.)
_PATTERNS = {
    "GUIDTYPE": r"0|\{[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}",
    "TIMEINTERVALTYPE": r"[+\-]?PT([0-9]+H)?([0-9]+M)?([0-9]+S)?",
}


@dataclass(frozen=True)
class SimpleInfo:
    base: str  # one of the qbXML simple types: STRTYPE, AMTTYPE, ...
    max_length: int | None = None
    enums: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class AttrDecl:
    name: str
    simple: SimpleInfo
    required: bool


@dataclass
class ElementDecl:
    name: str
    min: int
    max: int  # UNBOUNDED for unbounded
    simple: SimpleInfo | None = None
    complex: ComplexDef | None = None


@dataclass
class Compositor:
    kind: str  # "sequence" or "choice"
    items: list[Particle]
    min: int
    max: int


Particle = ElementDecl | Compositor


@dataclass
class ComplexDef:
    key: str  # identity: "element:Name", "type:Name" or "local:<parent key>/Name"
    name: str  # suggested class name
    content: Compositor | None
    attributes: list[AttrDecl] = field(default_factory=list)
    simple_content: SimpleInfo | None = None


def _occurs(node: etree._Element, attr: str) -> int:
    value = node.get(attr, "1")
    return UNBOUNDED if value == "unbounded" else int(value)


class Schema:
    """One qbXML schema version, loaded from its ``qbxmlops*.xsd`` root and includes."""

    def __init__(self, xsd_dir: Path) -> None:
        self.elements: dict[str, etree._Element] = {}
        self.types: dict[str, etree._Element] = {}
        self.groups: dict[str, etree._Element] = {}
        self.simple_types: dict[str, etree._Element] = {}
        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
        for path in sorted(xsd_dir.glob("*.xsd")):
            root = etree.parse(str(path), parser).getroot()
            for node in root:
                if not isinstance(node.tag, str):
                    continue
                name = node.get("name")
                if node.tag == XS + "element" and name:
                    self.elements[name] = node
                elif node.tag == XS + "complexType" and name:
                    self.types[name] = node
                elif node.tag == XS + "group" and name:
                    self.groups[name] = node
                elif node.tag == XS + "simpleType" and name:
                    self.simple_types[name] = node
        self._complex: dict[str, ComplexDef] = {}

    # ---- simple types -------------------------------------------------------------
    def _simple_from_restriction(self, simple_type: etree._Element) -> SimpleInfo:
        restriction = simple_type.find(XS + "restriction")
        if restriction is None:
            raise ValueError(f"unsupported simpleType at line {simple_type.sourceline}")
        base = restriction.get("base", "")
        inherited = self._named_simple(base) if base in self.simple_types else SimpleInfo(base)
        facets: dict[str, int | None] = {"max_length": inherited.max_length}
        enums: list[str] = []
        for facet in restriction:
            value = facet.get("value", "")
            if facet.tag == XS + "maxLength":
                facets["max_length"] = int(value)
            elif facet.tag == XS + "minInclusive":
                facets["min_value"] = int(value)
            elif facet.tag == XS + "maxInclusive":
                facets["max_value"] = int(value)
            elif facet.tag == XS + "enumeration":
                enums.append(value)
        return SimpleInfo(
            base=base,
            max_length=facets.get("max_length"),
            enums=tuple(enums),
            min_value=facets.get("min_value"),
            max_value=facets.get("max_value"),
            pattern=inherited.pattern,
        )

    def _named_simple(self, type_name: str) -> SimpleInfo:
        """A qbXML named simple type with the facets its users inherit."""
        node = self.simple_types[type_name]
        restriction = node.find(XS + "restriction")
        max_length = None
        if restriction is not None:
            length = restriction.find(XS + "maxLength")
            max_length = int(length.get("value", "0")) if length is not None else None
        return SimpleInfo(base=type_name, max_length=max_length, pattern=_PATTERNS.get(type_name))

    def _simple_of(self, node: etree._Element) -> SimpleInfo | None:
        type_name = node.get("type")
        if type_name is not None:
            if type_name in self.simple_types:
                return self._named_simple(type_name)
            return None
        inline = node.find(XS + "simpleType")
        if inline is not None:
            return self._simple_from_restriction(inline)
        return None

    # ---- elements -----------------------------------------------------------------
    def element(self, name: str, min_occurs: int = 1, max_occurs: int = 1) -> ElementDecl:
        node = self.elements[name]
        return self._element_decl(node, f"element:{name}", min_occurs, max_occurs)

    def _element_decl(
        self, node: etree._Element, key: str, min_occurs: int, max_occurs: int
    ) -> ElementDecl:
        name = node.get("name", "")
        simple = self._simple_of(node)
        if simple is not None:
            return ElementDecl(name, min_occurs, max_occurs, simple=simple)
        type_name = node.get("type")
        if type_name is not None:
            complex_def = self._named_type(type_name)
        else:
            inline = node.find(XS + "complexType")
            if inline is None:
                # An element with neither type nor content is an empty marker element.
                complex_def = self._complex_def(key, name, None)
            else:
                complex_def = self._complex_def(key, name, inline)
        if complex_def.content is None and complex_def.simple_content is not None:
            # simpleContent with attributes (``useMacro``): the value is what matters.
            return ElementDecl(name, min_occurs, max_occurs, simple=complex_def.simple_content)
        return ElementDecl(name, min_occurs, max_occurs, complex=complex_def)

    def _named_type(self, type_name: str) -> ComplexDef:
        key = f"type:{type_name}"
        class_name = type_name[:-4] if type_name.endswith("Type") else type_name
        return self._complex_def(key, class_name, self.types[type_name])

    def _complex_def(self, key: str, name: str, node: etree._Element | None) -> ComplexDef:
        if key in self._complex:
            return self._complex[key]
        definition = ComplexDef(key=key, name=name, content=None)
        self._complex[key] = definition
        if node is None:
            return definition
        for child in node:
            tag = child.tag
            if tag in (XS + "sequence", XS + "choice"):
                definition.content = self._compositor(child, key)
            elif tag == XS + "group":
                definition.content = self._group(child, key)
            elif tag == XS + "attribute":
                definition.attributes.append(self._attribute(child))
            elif tag == XS + "simpleContent":
                extension = child.find(XS + "extension")
                if extension is None:
                    raise ValueError(f"unsupported simpleContent at line {child.sourceline}")
                base = extension.get("base", "")
                definition.simple_content = (
                    self._named_simple(base) if base in self.simple_types else SimpleInfo(base)
                )
                for attribute in extension.findall(XS + "attribute"):
                    definition.attributes.append(self._attribute(attribute))
            else:
                raise ValueError(f"unsupported {tag} in complexType at line {child.sourceline}")
        return definition

    def _attribute(self, node: etree._Element) -> AttrDecl:
        simple = self._simple_of(node) or SimpleInfo(base="STRTYPE")
        return AttrDecl(node.get("name", ""), simple, node.get("use") == "required")

    def _group(self, node: etree._Element, parent_key: str) -> Compositor:
        group = self.groups[node.get("ref", "")]
        inner = next(child for child in group if isinstance(child.tag, str))
        compositor = self._compositor(inner, parent_key)
        compositor.min = _occurs(node, "minOccurs") * compositor.min
        if _occurs(node, "maxOccurs") == UNBOUNDED:
            compositor.max = UNBOUNDED
        return compositor

    def _compositor(self, node: etree._Element, parent_key: str) -> Compositor:
        kind = node.tag[len(XS) :]
        items: list[Particle] = []
        for child in node:
            if not isinstance(child.tag, str):
                continue
            min_occurs, max_occurs = _occurs(child, "minOccurs"), _occurs(child, "maxOccurs")
            if child.tag == XS + "element":
                ref = child.get("ref")
                if ref is not None:
                    items.append(self.element(ref, min_occurs, max_occurs))
                else:
                    name = child.get("name", "")
                    local_key = f"local:{parent_key}/{name}"
                    items.append(self._element_decl(child, local_key, min_occurs, max_occurs))
            elif child.tag in (XS + "sequence", XS + "choice"):
                inner = self._compositor(child, parent_key)
                inner.min, inner.max = min_occurs, max_occurs
                items.append(inner)
            elif child.tag == XS + "group":
                items.append(self._group(child, parent_key))
            else:
                raise ValueError(f"unsupported {child.tag} at line {child.sourceline}")
        return Compositor(kind, items, _occurs(node, "minOccurs"), _occurs(node, "maxOccurs"))

    def message_types(self, envelope: str) -> dict[str, str]:
        """``{request element name: named type}`` inside QBXMLMsgsRq or QBXMLMsgsRs."""
        node = self.elements[envelope]
        return {
            child.get("name", ""): child.get("type", "")
            for child in node.iter(XS + "element")
            if child.get("name") and child.get("type")
        }
