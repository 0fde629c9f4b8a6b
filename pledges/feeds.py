"""The register for partner platforms: JSON in the 信用承诺 shape, and RSS of new pledges."""

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from integrity_site.core.feeds import PrintableRss201rev2Feed
from integrity_site.core.links import absolute_url
from integrity_site.core.models import SiteSettings
from integrity_site.core.text import printable

from .records import Pledge
from .texts import signed_text

PLEDGE_TYPE = "行业自律型"
PUBLICATION_TYPE = "社会公开"
FEED_SIZE = 30


def _date(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localdate(value)
    return value.isoformat()


def credit_pledge_record(pledge, text, office_name, certificate_url, verification_url):
    """One pledge in the 信用承诺 shape (DESIGN.md), plus its certificate number and addresses.
    Partner platforms pass it on into XML: text it cannot hold is dropped here too."""
    record = {
        "承诺人名称": pledge.merchant_name,
        "承诺人类别": pledge.category,
        "承诺人代码": pledge.credit_code,
        "承诺类型": PLEDGE_TYPE,
        "承诺事由": text.reason,
        "承诺内容": text.commitment_plain,
        "违诺责任": text.liability,
        "承诺作出日期": _date(pledge.confirmed_at or pledge.approved_at),
        "承诺有效期": _date(pledge.valid_until),
        "承诺受理单位": office_name,
        "公开类型": PUBLICATION_TYPE,
        "证书编号": pledge.number,
        "证书地址": certificate_url,
        "核验地址": verification_url,
    }
    return {key: printable(value) for key, value in record.items()}


class _PlainText:
    """A signed text with its commitment as plain text, worked out once per revision."""

    def __init__(self, text):
        self.reason = text.reason
        self.liability = text.liability
        self.commitment_plain = " ".join(strip_tags(text.commitment.replace("</li>", "</li> ")).split())


def register_json_page(request, page, paginator):
    """One page of the register as a dict; the queries are the same for any page size."""
    number = request.GET.get("page", "1")
    number = int(number) if number.isdigit() and int(number) >= 1 else 1
    current = paginator.get_page(number)
    site_settings = SiteSettings.for_request(request)
    texts = {}
    page_url = page.full_url
    site = page.get_site()  # once, not per pledge
    results = []
    for pledge in current.object_list:
        if pledge.text_revision_id not in texts:
            texts[pledge.text_revision_id] = _PlainText(signed_text(pledge.text_revision))
        results.append(
            credit_pledge_record(
                pledge,
                texts[pledge.text_revision_id],
                site_settings.office_name,
                page_url + page.reverse_subpage("certificate", args=[pledge.number]),
                absolute_url(pledge.verification_path, site),
            )
        )

    def link(page_number):
        query = request.GET.copy()
        query["page"] = page_number
        return absolute_url(request.path, site) + "?" + query.urlencode()

    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "next": link(current.next_page_number()) if current.has_next() else None,
        "previous": link(current.previous_page_number()) if current.has_previous() else None,
        "results": results,
    }


class NewPledgesFeed(Feed):
    """RSS of the latest approved pledges. Text that XML cannot hold is dropped, so that one
    stored name with a control character never breaks the feed."""

    feed_type = PrintableRss201rev2Feed

    def __init__(self, page):
        super().__init__()
        self.page = page

    def title(self):
        return _("New integrity pledges: %(title)s") % {"title": self.page.title}

    def link(self):
        return self.page.url + self.page.reverse_subpage("register")

    def description(self):
        return _("Merchants whose integrity pledge was approved.")

    def items(self):
        return (
            Pledge.objects.published()
            .only(
                "number",
                "merchant_name",
                "credit_code",
                "industry",
                "subdistrict",
                "approved_at",
                "valid_until",
            )
            .order_by("-approved_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, pledge):
        return pledge.merchant_name

    def item_description(self, pledge):
        return " · ".join(
            [
                pledge.credit_code,
                pledge.get_industry_display(),
                pledge.subdistrict,
                _("valid until %(date)s") % {"date": _date(pledge.valid_until)},
            ]
        )

    def item_link(self, pledge):
        return self.page.url + self.page.reverse_subpage("certificate", args=[pledge.number])

    def item_guid(self, pledge):
        return pledge.number

    item_guid_is_permalink = False

    def item_pubdate(self, pledge):
        return pledge.approved_at
