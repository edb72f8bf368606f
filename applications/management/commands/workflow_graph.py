from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from applications.diagram import workflow_markdown


class Command(BaseCommand):
    help = "Write docs/workflow.md (Mermaid diagram and edge table) from the Case model."

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "docs" / "workflow.md"
        path.write_text(workflow_markdown(), encoding="utf-8")
        self.stdout.write(str(path))
