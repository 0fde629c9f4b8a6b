from django.db import migrations


class Migration(migrations.Migration):
    """Venues, registrations and seat pools belong to the events app now (``events.0001``); only
    the migration state changes here, the tables stay."""

    dependencies = [
        ('core', '0005_sitesettings_pledge_validity_days'),
        ('events', '0001_initial'),
        ('lectures', '0003_alter_lecturepage_venue'),
        ('campaigns', '0004_event_venue_and_pledge_page_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='Registration'),
                migrations.DeleteModel(name='SeatPool'),
                migrations.DeleteModel(name='Venue'),
            ],
        ),
    ]
