import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The venue model moved to the events app and the pledge page to the pledges app (which
    takes it over in ``pledges.0003``). Only the migration state changes: the tables stay."""

    dependencies = [
        ('campaigns', '0003_volunteereventpage_venue_and_more'),
        ('events', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='volunteereventpage',
                    name='venue',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='events.venue', verbose_name='venue'),
                ),
                migrations.DeleteModel(name='PledgePage'),
            ],
        ),
    ]
