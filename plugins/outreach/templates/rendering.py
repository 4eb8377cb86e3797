"""Template text: a small, sandboxed Jinja2 dialect with a fixed set of variables.

Allowed: ``{{ variable }}``, the filters in ``FILTERS``, ``{% if %}`` blocks and ``is defined``
tests. Loops, macros, includes and assignments are refused: outreach templates need none of
them, and refusing them keeps rendering cheap (no ``range(100000)`` in a user's template).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from lightninghire.api import ValidationFailed
from lightninghire_plugins.outreach.common import first_name

VARIABLES: dict[str, str] = {
    "contact_name": "The contact's full name.",
    "contact_first_name": "The contact's first name.",
    "contact_company": "The contact's company.",
    "contact_title": "The contact's title.",
    "contact_type": "recruiter, hiring manager, peer, referral, mentor or alumni.",
    "my_name": "Your name.",
    "my_first_name": "Your first name.",
    "my_role": "Your current role (profile).",
    "my_target_role": "The role you are targeting (first of your profile's target roles).",
    "context": "The detail you give when drafting: where you met, the job, a shared interest.",
}
FILTERS = frozenset({"default", "d", "upper", "lower", "title", "capitalize", "trim"})
ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.Filter,
    nodes.Test, nodes.If, nodes.Not, nodes.And, nodes.Or, nodes.Compare, nodes.Operand,
    nodes.Concat, nodes.CondExpr,
)
MAX_OUTPUT = 20_000
# Brackets, filters, conditions and ``{% if %}`` blocks nest at most this deep: deeper text would
# exhaust the parser's recursion or Python's own limits when the template is compiled.
MAX_NESTING = 32
TOO_DEEP = f"The template nests more than {MAX_NESTING} levels deep."

_env = SandboxedEnvironment(autoescape=False, keep_trailing_newline=True)


def problem_of(source: str) -> str | None:
    """What is wrong with template text (syntax, a construct, a filter, a variable), or None."""
    try:
        tree = _env.parse(source)
    except TemplateSyntaxError as exc:
        return f"Template syntax error on line {exc.lineno}: {exc.message}."
    except (RecursionError, MemoryError):
        return TOO_DEEP
    if _deeper_than(tree, MAX_NESTING):
        return TOO_DEEP
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, ALLOWED_NODES):
            return (f"'{type(node).__name__}' is not allowed: use {{{{ variables }}}}, filters "
                    f"and {{% if %}} blocks only.")
        if isinstance(node, nodes.Filter) and node.name not in FILTERS:
            return f"Unknown filter '{node.name}'. Allowed: {', '.join(sorted(FILTERS))}."
        if isinstance(node, nodes.Name) and node.ctx != "load":
            return "Assignments are not allowed."
    unknown = sorted(meta.find_undeclared_variables(tree) - VARIABLES.keys())
    if unknown:
        return (f"Unknown variable{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
                f"Known: {', '.join(VARIABLES)}.")
    return None


def _deeper_than(tree: nodes.Node, limit: int) -> bool:
    """Whether the syntax tree nests deeper than ``limit`` (walked without recursion)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return False


def _check(source: str, field: str) -> Any:
    """The parsed template, or a 400 naming the field and the problem."""
    problem = problem_of(source)
    if problem:
        raise ValidationFailed({field: [problem]}, f"Invalid template: {field}: {problem}")
    return _env.parse(source)


def variables_in(source: str, field: str = "body") -> list[str]:
    """The known variables a template uses, after validating it (400 on any problem)."""
    return sorted(meta.find_undeclared_variables(_check(source, field)))


def render(source: str, values: Mapping[str, str], field: str = "body") -> str:
    """Render validated template text. Empty values are left undefined, so ``default`` works."""
    _check(source, field)
    context = {k: v for k, v in values.items() if k in VARIABLES and v}
    try:
        text = _env.from_string(source).render(context)
    except (RecursionError, SyntaxError, MemoryError):  # a backstop: _check bounds the nesting
        raise ValidationFailed({field: [TOO_DEEP]}, f"Invalid template: {field}: {TOO_DEEP}") from None
    if len(text) > MAX_OUTPUT:
        raise ValidationFailed({field: [f"The rendered text is over {MAX_OUTPUT} characters."]})
    return text


def values_for(contact: Mapping[str, Any] | None, sender: Mapping[str, str],
               context: str = "") -> dict[str, str]:
    """The variables' values for one contact and one sender."""
    contact = contact or {}
    return {
        "contact_name": contact.get("name") or "",
        "contact_first_name": first_name(contact.get("name")),
        "contact_company": contact.get("company") or "",
        "contact_title": contact.get("title") or "",
        "contact_type": (contact.get("contactType") or "").replace("_", " "),
        "my_name": sender.get("name", ""),
        "my_first_name": first_name(sender.get("name")),
        "my_role": sender.get("role", ""),
        "my_target_role": sender.get("targetRole", ""),
        "context": context or "",
    }
