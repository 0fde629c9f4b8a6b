import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The venue model moved to the events app; the column and its table are unchanged."""

    dependencies = [
        ('events', '0001_initial'),
        ('lectures', '0002_remove_lecturepage_speaker_name_and_more'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='lecturepage',
                    name='venue',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='events.venue', verbose_name='venue'),
                ),
            ],
        ),
    ]
