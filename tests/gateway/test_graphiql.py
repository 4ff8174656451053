"""GraphiQL is served by docgraph itself and works without internet."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest

from docgraph.gateway.graphql import STATIC

from ..conftest import ADMIN_AUTH

# The screenshot lands here (CI keeps the directory with its output).
OUTPUT = Path(__file__).parents[2] / "test-output"


async def test_the_page_loads_only_local_assets(client):
    resp = await client.get("/nuxeo/graphql", headers={"Accept": "text/html"})
    assert resp.status == 200
    policy = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    page = await resp.text()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/nuxeo/static/") or a == "data:," for a in assets)
    for asset in assets:
        if asset.startswith("/nuxeo/static/"):
            # Served without credentials: static files hold nothing to protect.
            async with client.session.get(client.make_url(asset)) as got:
                assert got.status == 200, asset
    assert not re.search(r"https?://", (STATIC / "docgraph-graphiql.js").read_text())


def test_every_vendored_package_has_its_licence():
    import json

    versions = json.loads((STATIC / "graphiql" / "VERSIONS.json").read_text())
    for entry in versions:
        slug = entry["package"].replace("@", "").replace("/", "-")
        assert (STATIC / "graphiql" / f"LICENSE.{slug}").is_file(), entry["package"]
        for name in entry["files"]:
            assert (STATIC / "graphiql" / name).is_file(), name


def browser_runs_the_example_query(url: str, screenshot: Path) -> tuple[str, list[dict]]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    try:
        # The credentials a browser would have cached after the login prompt.
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.setExtraHTTPHeaders", {"headers": {"Authorization": ADMIN_AUTH}}
        )
        driver.get(url)
        wait = WebDriverWait(driver, 30)
        wait.until(ready.element_to_be_clickable((By.CLASS_NAME, "graphiql-execute-button")))
        driver.find_element(By.CLASS_NAME, "graphiql-execute-button").click()
        response = (By.CSS_SELECTOR, ".graphiql-response")
        wait.until(ready.text_to_be_present_in_element(response, "Sections"))
        text = driver.find_element(*response).text
        driver.save_screenshot(str(screenshot))
        return text, driver.get_log("browser")
    finally:
        driver.quit()


@pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("chromedriver")),
    reason="no headless browser here (apt-get install chromium chromium-driver); CI has one",
)
async def test_a_browser_runs_the_example_query_offline(client):
    OUTPUT.mkdir(exist_ok=True)
    screenshot = OUTPUT / "graphiql.png"
    text, console = await asyncio.to_thread(
        browser_runs_the_example_query, str(client.make_url("/nuxeo/graphql")), screenshot
    )
    assert '"title": "Domain"' in text and "Sections" in text
    assert screenshot.stat().st_size > 10_000
    # Nothing was refused by the Content-Security-Policy, nothing failed to load.
    problems = [entry for entry in console if entry["level"] == "SEVERE"]
    assert problems == [], problems
