"""Whether a search query holds personal data: such a query is answered but never written to the
query log, and never shown among the popular searches.

People write numbers and addresses in many ways, so the filter looks at the query the way a
reader would: full-width characters folded (１３８, ＠), invisible characters dropped, and digit
groups read across the separators people put between them (138-5555-1234, 139.5555.1234,
370102-19900101-1234, (0531) 8600 1234). Any seven or more digits read so count as a possible
phone, identity, bank card or QQ number: such queries are rare and never useful as popular
searches. A date alone (2025-11-26) is not one. E-mail addresses count with their usual disguises (li.xiuying(at)example.com,
[at], " at " … " dot "), and so does any "@". So do unified social credit codes and other long runs
of letters and digits (registration, licence or card numbers): nobody else searches for them."""

import re
import unicodedata

from integrity_site.core.credit_code import is_valid_credit_code

# Seven digits or more, with at most two separator characters between two digits. (A mainland
# mobile number has 11, an identity card number 15 or 18 with a final X, a landline 7 or 8 and
# more with its area code, a bank card 16 to 19.)
SEPARATOR = r"[\s\-‐‑‒–—―_.·・,/\\()（）\[\]]"
DIGIT_GROUPS = re.compile(rf"\d(?:{SEPARATOR}{{0,2}}\d){{6,}}")

# A date on its own (2025-11-26, 2025.11.26, 2025/11/26) is not a number of anybody's.
DATE = re.compile(r"(?:19|20)\d\d([\-./])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])")

AT = r"(?:\(\s*at\s*\)|\[\s*at\s*\]|\{\s*at\s*\}|<\s*at\s*>|【\s*at\s*】|\s+at\s+)"
DOT = r"(?:\.|\(\s*dot\s*\)|\[\s*dot\s*\]|\{\s*dot\s*\}|\s+dot\s+)"
EMAIL = re.compile(
    # "@" itself: an address, half of one, or a handle
    r"@"
    # the disguises: li.xiuying(at)example.com, zhang [at] example [dot] org, zhang at example.org
    rf"|[\w.+\-]+\s*{AT}\s*[\w\-]+(?:\s*{DOT}\s*[\w\-]+)+"
    # an "(at)" or "[at]" is one even without the rest
    r"|[(\[{<【]\s*at\s*[)\]}>】]",
    re.IGNORECASE,
)


# A run of 15 or more letters and digits with at least five digits: a credit code mistyped, a
# business registration number, a licence or card number.
CODE_LIKE = re.compile(r"[0-9A-Za-z]{15,}")
CODE_DIGITS = 5


def _holds_code(text):
    for found in CODE_LIKE.finditer(text):
        run = found.group(0).upper()
        if is_valid_credit_code(run) or sum(char.isdigit() for char in run) >= CODE_DIGITS:
            return True
    return False


def _as_read(text):
    """Full-width forms folded (NFKC), format and control characters dropped."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(
        char for char in folded if unicodedata.category(char) not in ("Cf", "Cc") or char in "\t\n"
    )


def holds_personal_data(query):
    text = _as_read(query)
    if EMAIL.search(text) or _holds_code(text):
        return True
    return any(not DATE.fullmatch(found.group(0)) for found in DIGIT_GROUPS.finditer(text))
