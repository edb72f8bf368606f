from django.conf import settings


def roles(request) -> dict:
    user = getattr(request, "user", None)
    names = user.role_names if user is not None and user.is_authenticated else frozenset()
    return {"user_roles": names, "SITE_NAME": settings.SITE_NAME}
