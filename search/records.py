"""The search app's data: who searched what today, known only by a salted hash, so that the
popular searches count distinct visitors and not requests (the query log itself is Wagtail's:
``search_promotions.Query`` and ``QueryDailyHits``); and the synonyms editors maintain."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Locale

from .synonyms import parse_terms, validate_terms


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


def default_locale_id():
    return Locale.get_default().pk


class SynonymGroup(models.Model):
    """Terms that the search of one language treats as one (search/synonyms.py), one a line."""

    locale = models.ForeignKey(
        Locale,
        on_delete=models.CASCADE,
        related_name="+",
        default=default_locale_id,
        verbose_name=_("language"),
        help_text=_("The searches these synonyms apply to."),
    )
    terms = models.TextField(
        _("terms"),
        validators=[validate_terms],
        help_text=_(
            "One term a line, e.g. 红榜 and 诚信榜样. A search for one also finds the others. "
            "A term of several words separated by spaces stands for all of them together."
        ),
    )

    class Meta:
        verbose_name = _("synonyms")
        verbose_name_plural = _("synonyms")
        ordering = ["locale", "terms"]

    def __str__(self):
        return " ↔ ".join(self.term_list())

    def term_list(self):
        return parse_terms(self.terms)

    def clean(self):
        super().clean()
        if not self.locale_id:
            return
        mine = {term.casefold() for term in self.term_list()}
        others = SynonymGroup.objects.filter(locale_id=self.locale_id).exclude(pk=self.pk)
        for group in others:
            taken = sorted(mine & {term.casefold() for term in group.term_list()})
            if taken:
                raise ValidationError(
                    {
                        "terms": _("“%(term)s” is already in the synonyms “%(group)s”.")
                        % {"term": taken[0], "group": group}
                    }
                )

    @classmethod
    def groups_for(cls, locale):
        """The term lists of ``locale``'s searches."""
        return [
            parse_terms(terms) for terms in cls.objects.filter(locale=locale).values_list("terms", flat=True)
        ]
