"""The query log from before distinct visitors were counted: drop what holds personal data, and
count each logged day as one visitor (its hits were requests, which one visitor could inflate)."""

from django.db import migrations

from search.personal_data import holds_personal_data


def clean_query_log(apps, schema_editor):
    Query = apps.get_model("wagtailsearchpromotions", "Query")
    QueryDailyHits = apps.get_model("wagtailsearchpromotions", "QueryDailyHits")
    SearchPromotion = apps.get_model("wagtailsearchpromotions", "SearchPromotion")
    personal = [
        pk
        for pk, query_string in Query.objects.values_list("pk", "query_string").iterator(chunk_size=2000)
        if holds_personal_data(query_string)
    ]
    for start in range(0, len(personal), 500):
        chunk = personal[start : start + 500]
        QueryDailyHits.objects.filter(query_id__in=chunk).delete()
        promoted = set(SearchPromotion.objects.filter(query_id__in=chunk).values_list("query_id", flat=True))
        Query.objects.filter(pk__in=[pk for pk in chunk if pk not in promoted]).delete()
    QueryDailyHits.objects.filter(hits__gt=1).update(hits=1)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_query_visitors"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [migrations.RunPython(clean_query_log, migrations.RunPython.noop)]
