"""The spreadsheet guard: text that spreadsheet programs would run as a formula (CSV/formula
injection). One rule for every export and for the forms that refuse such names."""

from .text import printable

# A cell that starts with one of these is a formula (or, for tab and carriage return, is
# turned into one by some programs once the whitespace is dropped).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def spreadsheet_safe(value):
    """The value as a spreadsheet shows it without running it: a formula-like text is quoted,
    and what an XLSX cell cannot hold (control characters) is dropped."""
    value = printable(value)
    return "'" + value if looks_like_formula(value) else value
