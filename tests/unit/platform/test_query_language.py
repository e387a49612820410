"""Codat's query language and orderBy, parsed: precedence, groups, values as written, errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qbdlink.errors import NextStep, QbdlinkError
from qbdlink.platform.services.query_errors import InvalidOrderByError, InvalidQueryError
from qbdlink.platform.services.query_language import (
    MAX_GROUP_DEPTH,
    MAX_QUERY_LENGTH,
    And,
    Comparison,
    Operator,
    Or,
    OrderKey,
    QueryNode,
    parse_order_by,
    parse_query,
)


def eq(path: str, value: str) -> Comparison:
    return Comparison(path, Operator.EQUAL, value)


# --- structure --------------------------------------------------------------------------------


def test_a_single_comparison() -> None:
    assert parse_query("status=Paid") == eq("status", "Paid")


def test_and_binds_tighter_than_or() -> None:
    assert parse_query("a=1&&b=2||c=3") == Or((And((eq("a", "1"), eq("b", "2"))), eq("c", "3")))
    assert parse_query("a=1||b=2&&c=3") == Or((eq("a", "1"), And((eq("b", "2"), eq("c", "3")))))


def test_braces_group() -> None:
    assert parse_query("totalAmount>100&&{status=Paid||status=Void}") == And(
        (
            Comparison("totalAmount", Operator.GREATER, "100"),
            Or((eq("status", "Paid"), eq("status", "Void"))),
        )
    )


def test_groups_nest() -> None:
    assert parse_query("{{a=1||b=2}&&c=3}||d=4") == Or(
        (And((Or((eq("a", "1"), eq("b", "2"))), eq("c", "3"))), eq("d", "4"))
    )


def test_a_chain_is_one_node_but_a_group_stays_a_group() -> None:
    assert parse_query("a=1&&b=2&&c=3") == And((eq("a", "1"), eq("b", "2"), eq("c", "3")))
    assert parse_query("{a=1&&b=2}&&c=3") == And((And((eq("a", "1"), eq("b", "2"))), eq("c", "3")))
    assert parse_query("a=1||b=2||c=3") == Or((eq("a", "1"), eq("b", "2"), eq("c", "3")))


def test_a_group_of_one_is_its_content() -> None:
    assert parse_query("{a=1}") == eq("a", "1")
    assert parse_query("{{ {a=1} }}") == eq("a", "1")


def test_codats_own_example_with_spaces() -> None:
    assert parse_query("{totalAmount > 100 || totalAmount < 50} && status != paid") == And(
        (
            Or(
                (
                    Comparison("totalAmount", Operator.GREATER, "100"),
                    Comparison("totalAmount", Operator.LESS, "50"),
                )
            ),
            Comparison("status", Operator.NOT_EQUAL, "paid"),
        )
    )


@pytest.mark.parametrize(
    "path", ["customerRef.id", "a.b.c", "_private.x2", "lineItems0.itemRef.name", "A_B.c_D"]
)
def test_dot_paths(path: str) -> None:
    assert parse_query(f"{path}=80000001-1234") == eq(path, "80000001-1234")


@pytest.mark.parametrize("operator", list(Operator))
def test_every_operator(operator: Operator) -> None:
    assert parse_query(f"amountDue{operator.value}10") == Comparison("amountDue", operator, "10")
    assert parse_query(f" amountDue {operator.value} 10 ") == Comparison(
        "amountDue", operator, "10"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name=Acme & Sons", eq("name", "Acme & Sons")),
        ("name~O'Brien", Comparison("name", Operator.CONTAINS, "O'Brien")),
        ("name=a|b", eq("name", "a|b")),
        ("name=a & b | c", eq("name", "a & b | c")),
        ("x=a=b", eq("x", "a=b")),
        ("x==a", eq("x", "=a")),
        ("x>==a", Comparison("x", Operator.GREATER_OR_EQUAL, "=a")),
        ("x> =a", Comparison("x", Operator.GREATER, "=a")),
        ("x=!a", eq("x", "!a")),
        ("x = 100 % off  ", eq("x", "100 % off")),
        ("x=5 > 3", eq("x", "5 > 3")),
        ("x={weird", eq("x", "{weird")),
        ('x="quoted"', eq("x", '"quoted"')),
        ("x=Café €5", eq("x", "Café €5")),
        ("x=\ta\tb\t", eq("x", "a\tb")),
        (
            "modifiedDate>=2023-04-26T09:08:12+01:00",
            Comparison("modifiedDate", Operator.GREATER_OR_EQUAL, "2023-04-26T09:08:12+01:00"),
        ),
        ("x=a&&y=b&c", And((eq("x", "a"), eq("y", "b&c")))),
        ("{x=a}b}", None),
    ],
)
def test_values_are_taken_as_written(text: str, expected: QueryNode | None) -> None:
    if expected is None:
        with pytest.raises(InvalidQueryError):
            parse_query(text)
    else:
        assert parse_query(text) == expected


# --- errors -----------------------------------------------------------------------------------

OPERATOR = "expected an operator (=, !=, ~, >, <, >=, <=)"
UNCLOSED = "expected '}' to close the '{' at position 0, found the end of the query"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("status", OPERATOR + " after 'status' at position 6"),
        ("status Paid", OPERATOR + " after 'status' at position 7"),
        ("status!Paid", OPERATOR + " after 'status' at position 6"),
        ("customer Ref.id=1", OPERATOR + " after 'customer' at position 9"),
        ("", "expected a property name or '{' at position 0"),
        ("=Paid", "expected a property name or '{' at position 0"),
        ("1abc=2", "expected a property name or '{' at position 0"),
        ("status=", "expected a value after 'status=' at position 7"),
        ("status=   ", "expected a value after 'status=' at position 10"),
        ("status=&&a=1", "expected a value after 'status=' at position 7"),
        ("{status=}", "expected a value after 'status=' at position 8"),
        ("a=1&&", "expected a property name or '{' after '&&' at position 5"),
        ("a=1|| ", "expected a property name or '{' after '||' at position 6"),
        ("a=1&&||b=2", "expected a property name or '{' after '&&' at position 5"),
        ("{}", "expected a property name or '{' after '{' at position 1"),
        ("customerRef.=1", "expected a property name after 'customerRef.' at position 12"),
        ("customerRef..id=1", "expected a property name after 'customerRef.' at position 12"),
        ("{a=1", UNCLOSED + " at position 4"),
        ("{a=1||{b=2}", UNCLOSED + " at position 11"),
        ("{a=1}}", "unexpected '}' at position 5: no group is open"),
        ("a=1}", "unexpected '}' at position 3: no group is open"),
        ("{a=1}b=2", "expected '&&', '||' or the end of the query at position 5"),
        ("{a=1} {b=2}", "expected '&&', '||' or the end of the query at position 6"),
    ],
)
def test_errors_name_the_position_and_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(InvalidQueryError) as caught:
        parse_query(text)
    assert caught.value.message == f"query: {message}"


def test_errors_are_permanent_and_tell_the_syntax() -> None:
    with pytest.raises(InvalidQueryError) as caught:
        parse_query("status")
    error = caught.value
    assert isinstance(error, QbdlinkError)
    assert error.code == "invalid_query"
    assert error.next_step is NextStep.FAIL
    assert "status=Paid" in error.fix
    assert "&&" in error.fix and "||" in error.fix and "{" in error.fix


def test_2048_characters_is_the_limit() -> None:
    longest = "name=" + "x" * (MAX_QUERY_LENGTH - 5)
    assert len(longest) == 2048
    assert parse_query(longest) == eq("name", "x" * 2043)
    with pytest.raises(InvalidQueryError) as caught:
        parse_query(longest + "x")
    assert caught.value.message == "query: the query is 2049 characters long; the limit is 2048"


def test_groups_nest_at_most_32_deep() -> None:
    deepest = "{" * MAX_GROUP_DEPTH + "a=1" + "}" * MAX_GROUP_DEPTH
    assert parse_query(deepest) == eq("a", "1")
    with pytest.raises(InvalidQueryError) as caught:
        parse_query("{" + deepest + "}")
    assert caught.value.message == "query: groups nest more than 32 deep at position 32"


def test_a_query_made_of_braces_fails_cleanly() -> None:
    # Deep enough to overflow Python's stack without the depth limit.
    with pytest.raises(InvalidQueryError):
        parse_query("{" * 1500 + "a=1" + "}" * 500)


# --- orderBy ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("issueDate", (OrderKey("issueDate"),)),
        ("-modifiedDate", (OrderKey("modifiedDate", descending=True),)),
        ("customerRef.companyName", (OrderKey("customerRef.companyName"),)),
        (
            "-issueDate,id",
            (OrderKey("issueDate", descending=True), OrderKey("id")),
        ),
        (
            " issueDate , -totalAmount ,id ",
            (OrderKey("issueDate"), OrderKey("totalAmount", descending=True), OrderKey("id")),
        ),
        ("", ()),
        ("   ", ()),
    ],
)
def test_order_by(text: str, expected: tuple[OrderKey, ...]) -> None:
    assert parse_order_by(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-", "expected a property name after - at position 1"),
        ("- issueDate", "expected a property name after - at position 1"),
        ("--issueDate", "expected a property name after - at position 1"),
        ("+issueDate", "expected a property name at position 0"),
        ("issueDate,", "expected a property name at position 10"),
        ("a,,b", "expected a property name at position 2"),
        ("issueDate desc", "expected ',' or the end after 'issueDate' at position 10"),
        ("customerRef.", "expected ',' or the end after 'customerRef' at position 11"),
        ("id,-id", "'id' appears more than once (again at position 4)"),
    ],
)
def test_order_by_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidOrderByError) as caught:
        parse_order_by(text)
    assert caught.value.message == f"orderBy: {message}"
    assert caught.value.code == "invalid_order_by"
    assert "-modifiedDate" in caught.value.fix
    assert isinstance(caught.value, InvalidQueryError)


def test_order_by_length_limit() -> None:
    with pytest.raises(InvalidOrderByError):
        parse_order_by("a" * (MAX_QUERY_LENGTH + 1))


# --- round trip: any tree, printed, parses back to itself -------------------------------------

paths = st.from_regex(
    r"[A-Za-z_][A-Za-z0-9_]{0,8}(\.[A-Za-z_][A-Za-z0-9_]{0,8}){0,2}", fullmatch=True
)
values = st.text(
    alphabet=st.sampled_from("aZ09 -_.,:;'\"%&|{=<>!~+/\\é€\t"), min_size=1, max_size=12
).filter(
    lambda v: (
        v == v.strip(" \t\r\n") and v != "" and "&&" not in v and "||" not in v and "}" not in v
    )
)
comparisons = st.builds(Comparison, paths, st.sampled_from(list(Operator)), values)


def _combined(children: st.SearchStrategy[QueryNode]) -> st.SearchStrategy[QueryNode]:
    items = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.one_of(items.map(And), items.map(Or))


trees: st.SearchStrategy[QueryNode] = st.recursive(comparisons, _combined, max_leaves=10)


def show(node: QueryNode) -> str:
    """Print a tree with as few braces as precedence allows (the test's own printer)."""
    if isinstance(node, Comparison):
        # Spaces keep "a&" + "&&" and ">" + "=b" apart; the parser drops them again.
        return f"{node.path} {node.operator.value} {node.value}"
    joiner = " && " if isinstance(node, And) else " || "
    return joiner.join(_show_item(item, node) for item in node.items)


def _show_item(item: QueryNode, parent: And | Or) -> str:
    if isinstance(item, Comparison) or (isinstance(item, And) and isinstance(parent, Or)):
        return show(item)
    return "{" + show(item) + "}"


@given(trees)
def test_printed_trees_parse_back(tree: QueryNode) -> None:
    assert parse_query(show(tree)) == tree


@given(trees)
def test_printed_trees_parse_back_without_spaces_when_unambiguous(tree: QueryNode) -> None:
    compact = show(tree).replace(" && ", "&&").replace(" || ", "||")
    if all(not v.endswith(("&", "|")) for v in _values(tree)):
        assert parse_query(compact) == tree


def _values(node: QueryNode) -> list[str]:
    if isinstance(node, Comparison):
        return [node.value]
    return [value for item in node.items for value in _values(item)]


@given(st.text(alphabet=st.sampled_from("ab.=!~<>&|{} \t-_1é"), max_size=40))
def test_any_text_parses_or_fails_with_an_invalid_query_error(text: str) -> None:
    try:
        parse_query(text)
    except InvalidQueryError as error:
        assert error.message.startswith("query: ")
    try:
        parse_order_by(text)
    except InvalidOrderByError as error:
        assert error.message.startswith("orderBy: ")


@given(st.lists(st.tuples(paths, st.booleans()), min_size=1, max_size=4, unique_by=lambda k: k[0]))
def test_order_by_round_trip(keys: list[tuple[str, bool]]) -> None:
    text = ",".join(("-" if descending else "") + path for path, descending in keys)
    assert parse_order_by(text) == tuple(OrderKey(path, descending) for path, descending in keys)
