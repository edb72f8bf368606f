"""Root conftest: keeps pytest's rootdir here so `tests.*` imports resolve."""
