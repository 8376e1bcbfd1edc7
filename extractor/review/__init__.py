"""The review queue: answering items (here, for the CLI and the web page) and the web app (`review.app`)."""

from ._actions import Outcome, answer, next_item, review_recheck, skip, undo
from ._fields import field_kind, get_field, leaf_fields, parse_value, set_field, shown
from ._passwords import MIN_PASSWORD, check_password, hash_password, password_problem

__all__ = [
    "MIN_PASSWORD",
    "Outcome",
    "answer",
    "check_password",
    "field_kind",
    "get_field",
    "hash_password",
    "leaf_fields",
    "next_item",
    "parse_value",
    "password_problem",
    "review_recheck",
    "set_field",
    "shown",
    "skip",
    "undo",
]
