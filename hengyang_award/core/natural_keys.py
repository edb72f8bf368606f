"""Natural keys for reference data the migrations seed (counties, scoring items,
calendar): a backup restored into a freshly migrated database matches those rows
by their code instead of colliding with them (DA-3)."""

from django.db import models


def natural_key_manager(field: str) -> models.Manager:
    class NaturalKeyManager(models.Manager):
        def get_by_natural_key(self, value):
            return self.get(**{field: value})

    return NaturalKeyManager()
