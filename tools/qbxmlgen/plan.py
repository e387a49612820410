"""Turn the XSD content model into class plans: flattened fields plus choice constraints.

A class plan is what one generated frozen dataclass needs: its fields in schema order and
the choice groups that say which fields may be set together. Choices whose branches hold
single values are flattened into optional fields; a repeated choice (invoice lines and
line groups, the mixed ``*Ret`` of ``ItemQueryRs``) becomes one tuple field of a union.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from .xsd_model import UNBOUNDED, AttrDecl, ComplexDef, Compositor, ElementDecl, SimpleInfo

_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")


def snake(name: str) -> str:
    text = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", name)).lower()
    return text + "_" if keyword.iskeyword(text) or text in {"type", "id"} else text


@dataclass
class FieldPlan:
    attr: str
    tags: list[str]  # element names this field holds (more than one for a repeated choice)
    simple: SimpleInfo | None
    complexes: list[ComplexDef]  # parallel to tags for object fields
    repeated: bool
    required: bool
    is_attribute: bool = False


@dataclass
class ChoicePlan:
    branches: list[tuple[list[str], list[str]]]  # (attrs in branch, attrs required in branch)
    required: bool


@dataclass
class ClassPlan:
    definition: ComplexDef
    name: str
    tag: str | None
    fields: list[FieldPlan] = field(default_factory=list)
    choices: list[ChoicePlan] = field(default_factory=list)


def _all_elements(particle: ElementDecl | Compositor) -> list[ElementDecl]:
    if isinstance(particle, ElementDecl):
        return [particle]
    return [element for item in particle.items for element in _all_elements(item)]


class Planner:
    def __init__(self, definition: ComplexDef, name: str, tag: str | None) -> None:
        self.plan = ClassPlan(definition, name, tag)
        self._by_tag: dict[str, FieldPlan] = {}

    def build(self) -> ClassPlan:
        content = self.plan.definition.content
        if content is not None:
            self._walk(content, optional=False, repeated=False)
        for attribute in self.plan.definition.attributes:
            self._attribute(attribute)
        return self.plan

    def _attribute(self, attribute: AttrDecl) -> None:
        self.plan.fields.append(
            FieldPlan(
                attr=snake(attribute.name),
                tags=[attribute.name],
                simple=attribute.simple,
                complexes=[],
                repeated=False,
                required=attribute.required,
                is_attribute=True,
            )
        )

    def _walk(self, particle: ElementDecl | Compositor, *, optional: bool, repeated: bool) -> None:
        if isinstance(particle, ElementDecl):
            self._element(particle, optional=optional, repeated=repeated)
            return
        optional = optional or particle.min == 0
        repeated = repeated or particle.max == UNBOUNDED or particle.max > 1
        if particle.kind == "sequence":
            for item in particle.items:
                self._walk(item, optional=optional, repeated=repeated)
            return
        if particle.max == UNBOUNDED or particle.max > 1:
            self._repeated_choice(particle, optional=optional)
            return
        branches: list[tuple[list[str], list[str]]] = []
        for item in particle.items:
            self._walk(item, optional=True, repeated=repeated)
            elements = _all_elements(item)
            attrs = [self._by_tag[element.name].attr for element in elements]
            required = [
                self._by_tag[element.name].attr
                for element in elements
                if isinstance(item, ElementDecl) or _required_in(item, element)
            ]
            branches.append((attrs, required))
        self.plan.choices.append(ChoicePlan(branches, required=not optional))
        self._check_branch_order(branches)

    def _check_branch_order(self, branches: list[tuple[list[str], list[str]]]) -> None:
        # Fields are emitted in one flattened order; every branch must agree with it.
        position = {plan.attr: index for index, plan in enumerate(self.plan.fields)}
        for attrs, _ in branches:
            indexes = [position[attr] for attr in dict.fromkeys(attrs)]
            if indexes != sorted(indexes):
                raise ValueError(f"{self.plan.name}: choice branch {attrs} breaks field order")

    def _repeated_choice(self, choice: Compositor, *, optional: bool) -> None:
        elements = _all_elements(choice)
        if not all(isinstance(item, ElementDecl) for item in choice.items):
            raise ValueError(f"{self.plan.name}: repeated choice of compositors is unsupported")
        if len(elements) == 1 or any(element.simple is not None for element in elements):
            for element in elements:
                self._element(element, optional=True, repeated=True)
            return
        attr = snake(elements[0].name)
        plan = FieldPlan(
            attr=attr,
            tags=[element.name for element in elements],
            simple=None,
            complexes=[element.complex for element in elements if element.complex is not None],
            repeated=True,
            required=not optional and choice.min > 0,
        )
        self._add(plan)

    def _element(self, element: ElementDecl, *, optional: bool, repeated: bool) -> None:
        if element.name in self._by_tag:
            existing = self._by_tag[element.name]
            if existing.simple != element.simple and existing.complexes != (
                [element.complex] if element.complex else []
            ):
                raise ValueError(f"{self.plan.name}: {element.name} has two different types")
            existing.required = False  # appears in several branches: required per branch
            existing.repeated = existing.repeated or repeated or element.max != 1
            return
        plan = FieldPlan(
            attr=snake(element.name),
            tags=[element.name],
            simple=element.simple,
            complexes=[element.complex] if element.complex is not None else [],
            repeated=repeated or element.max == UNBOUNDED or element.max > 1,
            required=not optional and element.min > 0,
        )
        self._add(plan)

    def _add(self, plan: FieldPlan) -> None:
        if any(existing.attr == plan.attr for existing in self.plan.fields):
            raise ValueError(f"{self.plan.name}: two fields named {plan.attr}")
        self.plan.fields.append(plan)
        for tag in plan.tags:
            self._by_tag[tag] = plan


def _required_in(particle: ElementDecl | Compositor, target: ElementDecl) -> bool:
    """Whether ``target`` must appear whenever its branch ``particle`` is chosen."""
    if isinstance(particle, ElementDecl):
        return particle is target and particle.min > 0
    if particle.min == 0:
        return False
    if particle.kind == "choice":
        return False
    return any(_required_in(item, target) for item in particle.items)
