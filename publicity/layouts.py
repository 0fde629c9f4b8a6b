"""The column layouts of the feed and how a header tells which one a file uses.

Each layout maps feed columns to the fields of a publicity record. Identity-number columns
(…_ZJHM, …_SFZ, CARDNUM of persons) are deliberately mapped to nothing: they are never stored.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from integrity_site.core.readers import normalise_header
from publicity.records import REPAIR_OUTCOMES, RecordKind, feed_kind_label


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: layouts are constants
class Layout:
    name: str
    kind: str
    # feed column → record field
    columns: dict
    # columns whose presence identifies the layout
    signature: frozenset
    required: tuple = ()
    # feed column holding the party's category, if the layout has one
    category_column: str = ""
    identity_columns: frozenset = field(default_factory=frozenset)


LICENCE_CURRENT = Layout(
    name="licence-current",
    kind=RecordKind.LICENCE,
    columns={
        "XK_XDR_MC": "subject_name",
        "XK_XDR_LB": "subject_category",
        "XK_XDR_SHXYM": "credit_code",
        "XK_FRDB": "legal_representative",
        "XK_XKWS": "title",
        "XK_WSH": "document_number",
        "XK_XKLB": "category",
        "XK_XKZS": "licence_number",
        "XK_XKBH": "licence_number_extra",
        "XK_NR": "content",
        "XK_JDRQ": "decision_date",
        "XK_YXQZ": "valid_from",
        "XK_YXQZI": "valid_until",
        "XK_XKJG": "authority",
        "XK_XKJGDM": "authority_code",
        "XK_ZT": "status",
        "XK_LYDW": "source_unit",
        "BZ": "remarks",
    },
    signature=frozenset({"XK_WSH", "XK_XDR_MC"}),
    required=("XK_WSH", "XK_XDR_MC", "XK_JDRQ", "XK_XKJG"),
    category_column="XK_XDR_LB",
    identity_columns=frozenset({"XK_FR_ZJHM", "XK_XDR_ZJHM"}),
)

LICENCE_2016 = Layout(
    name="licence-2016",
    kind=RecordKind.LICENCE,
    columns={
        "XK_WSH": "document_number",
        "XK_XMMC": "title",
        "XK_SPLB": "category",
        "XK_NR": "content",
        "XK_XDR": "subject_name",
        "XK_XDR_SHXYM": "credit_code",
        "XK_FR": "legal_representative",
        "XK_JDRQ": "decision_date",
        "XK_JZQ": "valid_until",
        "XK_XZJG": "authority",
        "XK_ZT": "status",
        "DFBM": "source_unit",
        "BZ": "remarks",
    },
    signature=frozenset({"XK_WSH", "XK_XDR"}),
    required=("XK_WSH", "XK_XDR", "XK_JDRQ", "XK_XZJG"),
    identity_columns=frozenset({"XK_XDR_SFZ"}),
)

PENALTY_CURRENT = Layout(
    name="penalty-current",
    kind=RecordKind.PENALTY,
    columns={
        "CF_XDR_MC": "subject_name",
        "CF_XDR_LB": "subject_category",
        "CF_XDR_SHXYM": "credit_code",
        "CF_FRDB": "legal_representative",
        "CF_WSH": "document_number",
        "CF_WFXW": "violation",
        "CF_SY": "facts",
        "CF_YJ": "legal_basis",
        "CF_CFLB": "category",
        "CF_NR": "content",
        "CF_NR_FK": "fine_amount",
        "CF_NR_WFFF": "confiscated_amount",
        "CF_NR_ZKDX": "licence_number",
        "CF_JDRQ": "decision_date",
        "CF_YXQ": "valid_until",
        "CF_GSJZQ": "authority_until",
        # Optional columns of the site's feeds: the class the authority gave (轻微 / 一般 / 严重)
        # and the date of a completed credit repair (see docs/publicity.md).
        "CF_SXDJ": "feed_severity",
        "CF_XFRQ": "repaired_on",
        "CF_CFJG": "authority",
        "CF_CFJGDM": "authority_code",
        "CF_SJLY": "source_unit",
        "BZ": "remarks",
    },
    signature=frozenset({"CF_WSH", "CF_XDR_LB"}),
    # CF_GSJZQ may be empty: the credit-repair rules then give the end of publicity.
    required=("CF_WSH", "CF_XDR_MC", "CF_CFLB", "CF_JDRQ", "CF_CFJG"),
    category_column="CF_XDR_LB",
    identity_columns=frozenset({"CF_FR_ZJHM", "CF_XDR_ZJHM"}),
)

PENALTY_2016 = Layout(
    name="penalty-2016",
    kind=RecordKind.PENALTY,
    columns={
        "CF_WSH": "document_number",
        "CF_CFMC": "title",
        "CF_CFLB1": "category",
        "CF_CFLB2": "category_extra",
        "CF_SY": "facts",
        "CF_YJ": "legal_basis",
        "CF_XDR_MC": "subject_name",
        "CF_XDR_SHXYM": "credit_code",
        "CF_FR": "legal_representative",
        "CF_JG": "content",
        "CF_JDRQ": "decision_date",
        "CF_XZJG": "authority",
        "CF_ZT": "status",
        "DFBM": "source_unit",
        "BZ": "remarks",
        "CF_SXDJ": "feed_severity",
        "CF_XFRQ": "repaired_on",
    },
    signature=frozenset({"CF_WSH", "CF_CFMC"}),
    required=("CF_WSH", "CF_XDR_MC", "CF_CFLB1", "CF_JDRQ", "CF_XZJG"),
    identity_columns=frozenset({"CF_XDR_SFZ"}),
)

# The courts' list of dishonest judgment debtors as the district receives it (field names of the
# national list; see docs/publicity.md).
DISHONEST_LIST = Layout(
    name="dishonest",
    kind=RecordKind.DISHONEST,
    columns={
        "INAME": "subject_name",
        "CASECODE": "document_number",
        "CREDITCODE": "credit_code",
        "BUSINESSENTITY": "legal_representative",
        "COURTNAME": "authority",
        "GISTID": "title",
        "GISTUNIT": "source_unit",
        "DUTY": "content",
        "PERFORMANCE": "status",
        "DISRUPTTYPENAME": "violation",
        "REGDATE": "valid_from",
        "PUBLISHDATE": "decision_date",
        "TYPE": "subject_category",
    },
    signature=frozenset({"INAME", "CASECODE"}),
    required=("INAME", "CASECODE", "COURTNAME", "PUBLISHDATE"),
    category_column="TYPE",
    identity_columns=frozenset({"CARDNUM"}),
)

# Credit-repair outcomes on their own: the penalty's decision number (with its authority, where
# numbers could repeat) and the date of the completed repair. Read by the same importer.
REPAIR_OUTCOMES_LAYOUT = Layout(
    name="repair-outcomes",
    kind=REPAIR_OUTCOMES,
    columns={"CF_WSH": "document_number", "CF_CFJG": "authority", "CF_XFRQ": "repaired_on"},
    signature=frozenset({"CF_WSH", "CF_XFRQ"}),
    required=("CF_WSH", "CF_XFRQ"),
)

# The repair outcomes come last: a full penalty file with a repair column is a penalty file.
LAYOUTS = [
    LICENCE_CURRENT,
    PENALTY_CURRENT,
    LICENCE_2016,
    PENALTY_2016,
    DISHONEST_LIST,
    REPAIR_OUTCOMES_LAYOUT,
]


class UnknownLayout(Exception):
    pass


def detect_layout(header, requested_kind="auto"):
    columns = {normalise_header(name) for name in header}
    for layout in LAYOUTS:
        if layout.signature <= columns:
            if requested_kind not in ("auto", layout.kind):
                raise UnknownLayout(
                    _("The header is that of a %(found)s feed, but the import was asked for %(requested)s.")
                    % {"found": feed_kind_label(layout.kind), "requested": feed_kind_label(requested_kind)}
                )
            return layout
    raise UnknownLayout(
        _("The header matches no known column layout (expected e.g. XK_WSH, CF_WSH or CASECODE columns).")
    )
