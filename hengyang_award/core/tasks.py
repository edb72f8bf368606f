from celery import shared_task

from .filecheck import files_verify

# Hashing every stored file can take longer than the default five minutes; a run
# redelivered while one is still going returns at once (`files_verify`'s lock).
FILES_VERIFY_SOFT_LIMIT = 4 * 3600
FILES_VERIFY_HARD_LIMIT = FILES_VERIFY_SOFT_LIMIT + 300


@shared_task(
    name="core.files_verify",
    acks_late=True,
    soft_time_limit=FILES_VERIFY_SOFT_LIMIT,
    time_limit=FILES_VERIFY_HARD_LIMIT,
)
def files_verify_task() -> dict:
    """Daily (FI-4): every stored file against its SHA-256; problems reported once."""
    run = files_verify()
    if run is None:
        return {"skipped": "another run in progress"}
    return {
        "run": run.pk,
        "checked": run.checked,
        "ok": run.ok,
        "corrupt": run.corrupt,
        "missing": run.missing,
    }
