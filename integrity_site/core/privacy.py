"""Masking of personal data shown in public pages and feeds (one place, reused by every app).

Names of private persons keep their first and last character (张*华, 李*); phone numbers keep
their first three and last four digits. Identity numbers are never shown, so there is no mask
for them: leave them out.
"""

import re


def mask_name(name):
    """张三华 → 张*华, 李四 → 李*, a one-character name → *."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone):
    """13812341234 → 138****1234; anything shorter than seven digits is hidden entirely."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
