import shutil

import pytest

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    if shutil.which("chromium") is None:
        skip = pytest.mark.skip(reason="Debian's chromium is not installed")
        for item in items:
            if "e2e" in str(item.fspath):
                item.add_marker(skip)
