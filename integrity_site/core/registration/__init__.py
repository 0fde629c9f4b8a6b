"""Registration for dated events (lectures, volunteer events): one mechanism for
every ``EventPage`` subclass. Models live here and are imported by
``core.models``; the page apps use the services and views, never each other."""
