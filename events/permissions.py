"""Who may see registrations: superusers; editors with ``events.view_registration``
for the events they can edit; and people with ``events.export_personal_data`` (the
registration data officers' group) for every event. Only the latter see names and
mobile numbers unmasked and export them."""


def can_see_personal_data(user):
    return user.is_active and user.has_perm("events.export_personal_data")


def can_view_registrations(user, event):
    if not user.is_active:
        return False
    if user.is_superuser or can_see_personal_data(user):
        return True
    return user.has_perm("events.view_registration") and event.permissions_for_user(user).can_edit()


def can_check_in(user, event):
    return can_view_registrations(user, event) and user.has_perm("events.change_registration")


def may_use_registrations_admin(user):
    return user.is_active and (user.is_superuser or user.has_perm("events.view_registration"))
