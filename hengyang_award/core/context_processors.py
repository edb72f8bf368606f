from django.conf import settings

from .roles import Role


def roles(request) -> dict:
    user = getattr(request, "user", None)
    names = user.role_names if user is not None and user.is_authenticated else frozenset()
    labels = [role.label for role in Role if role.value in names]
    return {"user_roles": names, "user_role_labels": labels, "SITE_NAME": settings.SITE_NAME}
