"""The complexity of the code as written, as far as its shape shows it, and the time
complexity the candidate states: enough to notice "O(n)" said over a loop nested in a loop
over the same list, and nothing cleverer (multi-variable costs such as O(n k) are left alone).
"""

from __future__ import annotations

import ast
import re

# "O(n)", "O(n log n)", "O(n^2)", "O(n squared)", "O of n", "linear", "quadratic".
_BIG_O = re.compile(r"\bO\s*(?:\(|of\s+)\s*([^)]{1,20}?)\s*(?:\)|[,.;]|\s+time|$)", re.I)
_WORDS = {"constant": 0.0, "linear": 1.0, "quadratic": 2.0, "cubic": 3.0}


def _degree(expression: str) -> float | None:
    """Degree in n of a single-variable complexity, or None for anything else."""
    e = expression.lower().replace(" ", "").replace("*", "")
    table = {
        "1": 0.0,
        "logn": 0.5,
        "n": 1.0,
        "nlogn": 1.5,
        "nlog(n)": 1.5,
        "n^2": 2.0,
        "n2": 2.0,
        "nsquared": 2.0,
        "nn": 2.0,
        "n^3": 3.0,
    }
    return table.get(e)


def stated_time_degrees(text: str) -> list[tuple[float, tuple[int, int]]]:
    """Single-variable time complexities the text states, with where they are."""
    found = []
    for match in _BIG_O.finditer(text):
        degree = _degree(match.group(1))
        if degree is not None:
            found.append((degree, match.span()))
    for word, degree in _WORDS.items():
        for match in re.finditer(rf"\b{word}\s+time\b", text, re.I):
            found.append((degree, match.span()))
    return sorted(found, key=lambda item: item[1])


# A cost said at all, even where the recogniser mangled the "O of" ("all a bend log n time"),
# or said in the problem's own terms ("amount times coins time", "the time is n times k"):
# enough to know the candidate gave one, not which.
_PRODUCT = r"\w+ times (?:the )?(?:number of )?\w+"
_SAID_TIME = re.compile(
    r"\b(?:o\s*\(|o of|big o|log\s*n|n squared"
    r"|(?:constant|linear|quadratic|cubic|logarithmic|exponential) time"
    rf"|{_PRODUCT},? time\b|time (?:is|of) {_PRODUCT}|runs in {_PRODUCT})",
    re.I,
)
_SAID_SPACE = re.compile(r"\b(?:space|memory)\b", re.I)


def states_costs(text: str) -> tuple[bool, bool]:
    """Whether the text gives a time cost, and a space cost beside it."""
    time = bool(_SAID_TIME.search(text))
    return time, time and bool(_SAID_SPACE.search(text))


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def nested_loops_over_same(code: str) -> list[str]:
    """Names of collections looped over inside a loop over the same collection (O(n^2))."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    found: list[str] = []

    def visit(node: ast.AST, outer: list[set[str]]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.For, ast.comprehension)):
                names = _names(child.iter) - {"range", "len", "enumerate", "zip"}
                for enclosing in outer:
                    for shared in sorted(enclosing & names):
                        if shared not in found:
                            found.append(shared)
                visit(child, [*outer, names])
            elif isinstance(child, ast.While):
                visit(child, [*outer, set()])
            else:
                visit(child, outer)

    visit(tree, [])
    return found


# --- the costs a strong point asks for ("States O(n log n) time and O(n) space") ----------------
_POINT_COST = re.compile(r"\bO\(([^)]+)\)")
_COST_POINT = re.compile(r"^states\b(?!.*\bdiscuss)", re.I)  # costs alone, nothing besides
_DROPPED = frozenset({"x", "times", "the", "number", "by", "a", "an"})
_O_MARK = frozenset({"o", "of", "big"})  # "O of n", "big O": what comes next is a cost
# Spoken costs, as tokens; "~" marks a cost said as a word ("linear time"), not a symbol.
_SPOKEN = {
    "linear": ["n~"],
    "constant": ["1~"],
    "one": ["1"],
    "quadratic": ["n~", "2"],
    "squared": ["2"],
    "square": ["2"],
    "logarithmic": ["log", "n"],
}
# Words that make a one-token cost a cost: "linear time", "constant extra space".
_COST_WORDS = frozenset(
    "time space memory extra per each for operation operations insertion lookup".split()
)
COST_CONTEXT = 2  # tokens after a one-token cost in which a cost word must come


def _cost_tokens(text: str) -> list[str]:
    out: list[str] = []
    text = re.sub(r"\bend log\b", "n log", text.lower())  # the recogniser's "end log n"
    for word in re.findall(r"[a-z]+|\d+", text.replace("^", " ")):
        if word in _O_MARK:
            out.append("O")
        elif word not in _DROPPED:
            out.extend(_SPOKEN.get(word, [word]))
    return out


def point_costs(point: str) -> list[list[str]]:
    """The costs a strong point that only states costs asks for, each as spoken tokens
    ("n log n", "amount coins", "1"); [] for any other point."""
    if not _COST_POINT.search(point):
        return []
    return [_cost_tokens(expr) for expr in _POINT_COST.findall(point)]


def says_cost(cost: list[str], text: str) -> bool:
    """Whether ``text`` states this cost in any spoken form: "n log n", "O of n log n",
    "amount times coins"; a one-token cost ("n", "1") only as "O(n)" or "linear time",
    "constant space", so that a stray "one", "n" or the last "n" of "n log n" is no cost."""
    said = _cost_tokens(text)
    width = len(cost)
    for i in range(len(said) - width + 1):
        window = [t for t in said[i:] if t != "O"][:width]
        if said[i] == "O" or [t.rstrip("~") for t in window] != cost:
            continue
        if width > 1 or (i and said[i - 1] == "O"):
            return True
        if said[i].endswith("~") and _COST_WORDS & set(said[i + 1 : i + 1 + COST_CONTEXT]):
            return True
    return False
