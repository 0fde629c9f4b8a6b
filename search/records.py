"""The search app's data: who searched what today, known only by a salted hash, so that the
popular searches count distinct visitors and not requests. (The query log itself is Wagtail's:
``search_promotions.Query`` and ``QueryDailyHits``.)"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.search_promotions.models import Query


class QueryVisitor(models.Model):
    """One visitor's first search for one query on one day. ``visitor`` is an HMAC of the day and
    the client's address under the site's secret key: the address itself is never stored, and
    the same address gives another value every day. Rows of past days are deleted (they only
    serve to count each visitor once a day)."""

    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="+", verbose_name=_("query"))
    date = models.DateField(_("date"), db_index=True)
    visitor = models.CharField(_("visitor"), max_length=32)

    class Meta:
        verbose_name = _("search visitor")
        verbose_name_plural = _("search visitors")
        constraints = [
            models.UniqueConstraint(
                fields=["query", "date", "visitor"], name="search_one_visit_per_visitor_day"
            ),
        ]

    def __str__(self):
        return f"{self.query_id} {self.date}"
