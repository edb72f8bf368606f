import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "gbt19580_items.json"


def seed(apps, schema_editor):
    ScoringItem = apps.get_model("core", "ScoringItem")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    categories = {c["name"]: c["code"] for c in data["categories"]}
    for position, item in enumerate(data["items"], start=1):
        ScoringItem.objects.update_or_create(
            code=item["code"],
            defaults={
                "category_code": categories[item["category"]],
                "category_name": item["category"],
                "name": item["name"],
                "points": item["points"],
                "kind": item["kind"],
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_scoringitem")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
