"""Every page type, in both languages and in the states residents meet, has no accessibility
violations that axe-core finds (WCAG 2.0 and 2.1, levels A and AA, and axe's best practices such
as the order of headings), on a phone and on a wide screen: in Debian's Chromium, with axe-core
pinned in tests/node/package.json."""

import pytest

from tests import page_types
from tests.services import node_tools

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# What axe checks: the WCAG 2.1 AA success criteria, and the best practices Lighthouse checks too.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDE = {"width": 1366, "height": 900}
# On a wide screen the layout changes: the pages whose columns and navigation differ most.
WIDE_PAGES = {"home", "article index", "lecture with its registration form", "pledge page and signing form"}

RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
    .then(results => results.violations.map(violation => ({
        id: violation.id, impact: violation.impact, help: violation.help, helpUrl: violation.helpUrl,
        nodes: violation.nodes.map(node => ({target: node.target.join(" "), summary: node.failureSummary})),
    })))"""
# axe leaves a reference to a missing id "to review"; a screen reader then announces nothing.
MISSING_REFERENCES = """() => [...document.querySelectorAll("[aria-describedby], [aria-labelledby], [aria-controls]")]
    .flatMap(element => ["aria-describedby", "aria-labelledby", "aria-controls"].flatMap(name =>
        (element.getAttribute(name) || "").split(/\\s+/).filter(id => id && !document.getElementById(id))
            .map(id => ({target: (element.id ? "#" + element.id : element.tagName.toLowerCase()),
                         summary: `${name} names #${id}, which is not in the page`}))))"""


@pytest.fixture
def axe_source():
    try:
        return node_tools.axe_source()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


def violations_on(page, url, visit, axe_source):
    """axe's violations on ``visit``, opened (and its form sent empty) in ``page``."""
    response = page.goto(url + visit.path)
    assert response.status == visit.status, visit
    if visit.submit:
        with page.expect_navigation():
            page.locator(f"{visit.submit} button[type=submit]").first.click()
        assert page.locator(".field-error").count(), visit
    return violations(page, axe_source)


def violations(page, axe_source):
    """What axe-core, and the check of ARIA references, find in the page as it is now."""
    # Evaluated, not added as a <script>: the site's content-security policy allows no inline script.
    page.evaluate(axe_source + "\n;0")
    violations = page.evaluate(RUN_AXE, TAGS)
    if missing := page.evaluate(MISSING_REFERENCES):
        violations.append(
            {
                "id": "aria-reference",
                "impact": "serious",
                "help": "ARIA attributes must name elements that are in the page",
                "helpUrl": "https://www.w3.org/TR/wai-aria-1.2/#aria-describedby",
                "nodes": missing,
            }
        )
    return violations


def describe(where, violations):
    lines = [f"{where}:"]
    for violation in violations:
        lines.append(
            f"  - {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"      at {node['target']}: {summary}")
    return "\n".join(lines)


def test_every_page_type_has_no_accessibility_violations_in_either_language(
    live_server, browser_page, axe_source
):
    visits = page_types.build()
    found = []
    for visit in visits:
        if violations := violations_on(browser_page, live_server.url, visit, axe_source):
            found.append(describe(f"{visit}, 390 px", violations))

    browser = browser_page.context.browser
    wide = browser.new_context(viewport=WIDE, locale="zh-CN")
    try:
        page = wide.new_page()
        for visit in visits:
            if visit.name in WIDE_PAGES and (
                violations := violations_on(page, live_server.url, visit, axe_source)
            ):
                found.append(describe(f"{visit}, {WIDE['width']} px", violations))
    finally:
        wide.close()
    assert not found, f"axe-core found violations on {len(found)} pages:\n" + "\n".join(found)


def test_the_check_finds_an_image_without_text_and_a_description_that_is_not_there(
    live_server, browser_page, axe_source
):
    browser_page.goto(live_server.url + "/")
    browser_page.evaluate(
        """document.querySelector("main").insertAdjacentHTML("beforeend",
            '<img src="/static/img/favicon.svg"><p aria-describedby="nowhere">…</p>')"""
    )
    found = violations(browser_page, axe_source)
    assert [violation["id"] for violation in found] == ["image-alt", "aria-reference"]
    assert found[1]["nodes"] == [
        {"target": "p", "summary": "aria-describedby names #nowhere, which is not in the page"}
    ]
