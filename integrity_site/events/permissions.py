"""Who may see registrations: superusers; editors with ``events.view_registration``
for the events they can edit; and people with ``events.export_personal_data`` (the
registration data officers' group) for every event. Only the latter see names and
mobile numbers unmasked and export them. ``events.change_registration`` checks people
in and cancels registrations, on the same events.

"The events they can edit" is Wagtail's page permission ``change`` on the event page
(or ``add`` on a page they own), the rule of ``PagePermissionPolicy``, so that one
registration and the queryset of a listing are judged alike.

``RegistrationPermissionPolicy`` is the policy Wagtail's admin views consult (it is
registered for ``Registration`` in ``wagtail_hooks``)."""

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from .records import Registration

# Registrations come from residents and go with the retention period: nobody adds or
# deletes them in the admin.
ACTIONS_NOBODY_HAS = {"add", "delete"}


def can_see_personal_data(user):
    return user.is_active and user.has_perm("events.export_personal_data")


def sees_every_event(user):
    return user.is_active and (user.is_superuser or can_see_personal_data(user))


def can_edit_event(user, event):
    return PagePermissionPolicy().user_has_permission_for_instance(user, "change", event)


def editable_events(user):
    """A queryset of the pages the user can edit."""
    return PagePermissionPolicy().instances_user_has_permission_for(user, "change")


class RegistrationPermissionPolicy(ModelPermissionPolicy):
    def __init__(self, model=Registration):
        super().__init__(model)

    def user_has_permission(self, user, action):
        if action in ACTIONS_NOBODY_HAS or not user.is_active:
            return False
        if action == "view" and can_see_personal_data(user):
            return True
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action not in ACTIONS_NOBODY_HAS]
        )

    def may_use_event(self, user, event):
        return sees_every_event(user) or can_edit_event(user, event)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if sees_every_event(user):
            return True
        if Registration.event.is_cached(instance):  # listings select the event with the row
            return can_edit_event(user, instance.event)
        # A registration on its own (an audit log report, say): the events the user can edit,
        # looked up once per request, instead of loading each event.
        return instance.event_id in self.editable_event_ids(user)

    def editable_event_ids(self, user):
        if not hasattr(user, "_editable_event_ids"):
            user._editable_event_ids = set(editable_events(user).values_list("pk", flat=True))
        return user._editable_event_ids

    def instances_user_has_any_permission_for(self, user, actions):
        registrations = Registration.objects.all()
        if not any(self.user_has_permission(user, action) for action in actions):
            return registrations.none()
        if sees_every_event(user):
            return registrations
        return registrations.filter(event__in=editable_events(user))


registration_policy = RegistrationPermissionPolicy()


def can_view_registrations(user, event):
    return registration_policy.user_has_permission(user, "view") and registration_policy.may_use_event(
        user, event
    )


def can_check_in(user, event):
    """Check people in and cancel registrations of the event."""
    return registration_policy.user_has_permission(user, "change") and registration_policy.may_use_event(
        user, event
    )


def may_use_registrations_admin(user):
    return registration_policy.user_has_permission(user, "view")
