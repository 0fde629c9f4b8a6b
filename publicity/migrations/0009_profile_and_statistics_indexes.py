"""Indexes that let the credit profile and the statistics read no table rows.

- ``publicity_record_code`` gains the id and the end of publicity: a credit profile finds the ids
  of a page of each kind of a code's records, newest first, from the index alone, however deep.
- ``publicity_record_statistics`` (decision date, kind, authority): the statistics count the months
  shown per day, kind and authority from it alone, instead of reading a year of table rows.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0008_import_run_heartbeat"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="publicityrecord",
            name="publicity_record_code",
        ),
        migrations.AddIndex(
            model_name="publicityrecord",
            index=models.Index(
                fields=["credit_code", "kind", "decision_date", "id", "publicity_until"],
                name="publicity_record_code",
            ),
        ),
        migrations.AddIndex(
            model_name="publicityrecord",
            index=models.Index(
                fields=["decision_date", "kind", "authority"], name="publicity_record_statistics"
            ),
        ),
    ]
