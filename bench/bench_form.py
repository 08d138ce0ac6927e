"""Browser form benchmark: a draft declaration of 999 goods items (the WCO DM 68A maximum).

It prints, for the edit page of that draft:

- server render: GET of the form (Django builds 999 goods item forms and renders them), the
  page's size;
- POST-validate: the 999-item form posted with "Submit", parsed, validated by the datamodel
  and answered with its errors at the fields (the last item's HS code is wrong, so nothing
  is lodged and the run can be repeated);
- in Chromium (Playwright, ``/usr/bin/chromium``): the time from navigation to
  DOMContentLoaded and to load, the time until the page answers the first interaction
  ("Add item" adds item 1000), until the last item's country select can be chosen from, and
  the round trip of "Submit declaration" until the error summary shows.

It starts gunicorn (2 workers, ``DJANGO_DEBUG=1`` so that static files are served) on
``--port`` against ``DATABASE_URL`` (migrated; run ``manage.py migrate`` first), creates or
reuses the user ``bench.form`` of the demo company and its draft, and stops gunicorn at the
end. Run from the project root::

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_form.py --port 8074
"""

import argparse
import copy
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
USERNAME = "bench.form"
PASSWORD = "bench-form-password"
LRN = "BENCH-FORM-999"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=999, help="goods items (999)")
    parser.add_argument("--port", type=int, default=8074, help="gunicorn port (8074)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each HTTP timing (3)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timings")
    return parser.parse_args()


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "singlewindow.settings")
    import django

    django.setup()


def bench_trader() -> Any:
    """The trader ``bench.form`` (password ``PASSWORD``) of the demo company, created or
    reset."""
    from django.contrib.auth import get_user_model

    from declarations.models import Company, Trader

    company, _ = Company.objects.get_or_create(
        eori="GB123456789000", defaults={"name": "Example Importers Ltd", "country": "GB"}
    )
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.set_password(PASSWORD)
    user.save()
    trader, _ = Trader.objects.get_or_create(user=user, defaults={"company": company})
    return trader


def bench_draft(items: int) -> int:
    """The bench user's draft with ``items`` goods items, created or reset; its pk."""
    from declarations.models import Declaration
    from declarations.services import declaration_save_draft
    from tests.factories import valid_document

    trader = bench_trader()
    company = trader.company
    document = valid_document(Declarant={"ID": company.eori, "Name": company.name})
    declaration = document["Declaration"]
    declaration["FunctionalReferenceID"] = LRN
    template = declaration["GoodsShipment"]["GovernmentAgencyGoodsItem"][0]
    goods = []
    for number in range(1, items + 1):
        item = copy.deepcopy(template)
        item["SequenceNumeric"] = str(number)
        goods.append(item)
    # The last item is refused (an HS code has digits only), so "Submit" answers with errors.
    goods[-1]["Commodity"]["Classification"][0]["ID"] = "09012X"
    declaration["GoodsShipment"]["GovernmentAgencyGoodsItem"] = goods
    declaration["GoodsItemQuantity"] = {"value": str(items)}
    declaration["InvoiceAmount"] = {"value": str(5000 * items), "currencyID": "EUR"}
    existing = Declaration.objects.filter(company=company, lrn=LRN).first()
    draft = declaration_save_draft(trader=trader, document=document, declaration=existing)
    return draft.pk


def free_port_or_die(port: int) -> None:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
    except urllib.error.HTTPError:
        pass
    except OSError:
        return
    sys.exit(f"port {port} is in use: stop what listens there or pass --port")


@contextmanager
def gunicorn(port: int) -> Iterator[str]:
    env = {**os.environ, "DJANGO_DEBUG": "1"}
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "singlewindow.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` runs and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def form_post(html: str) -> dict[str, str]:
    """The POST the browser sends for the page ``html``: every input and selected option."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.data: dict[str, str] = {}
            self.select: str | None = None
            self.template = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            if tag == "template":
                self.template += 1
            if self.template:
                return
            if tag == "input" and a.get("type") not in ("submit", "checkbox"):
                self.data[a.get("name", "")] = a.get("value", "")
            elif tag == "select":
                self.select = a.get("name", "")
                self.data.setdefault(self.select, "")
            elif tag == "option" and self.select and "selected" in a:
                self.data[self.select] = a.get("value", "")

        def handle_endtag(self, tag: str) -> None:
            if tag == "template":
                self.template -= 1
            elif tag == "select":
                self.select = None

    parser = Fields()
    parser.feed(html)
    # Without the page's one-time token (a form is lodged once), so the POST can repeat.
    data = {k: v for k, v in parser.data.items() if k and k != "form_token"}
    data["action"] = "submit"
    return data


def main() -> None:
    args = parse_args()
    django_setup()
    pk = bench_draft(args.items)
    free_port_or_die(args.port)
    from playwright.sync_api import sync_playwright

    with gunicorn(args.port) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(300_000)  # the "before" figures ran past Playwright's 30 s
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Username").fill(USERNAME)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        url = f"{base}/declarations/{pk}/edit/"

        def get() -> Any:
            response = page.request.get(url, timeout=300_000)
            assert response.status == 200, response.status
            return response.text()

        render_s, html = timed(get, args.repeat)
        print(f"{args.items} goods items, {len(html) / 1e6:.1f} MB of HTML")
        print(f"server render (GET, median of {args.repeat}):    {render_s:6.2f} s")

        data = form_post(html)
        csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")

        def post() -> Any:
            response = page.request.post(
                url, form=data, headers={"X-CSRFToken": csrf, "Referer": url}, timeout=300_000
            )
            assert response.status == 422, response.status
            return response.text()

        post_s, answer = timed(post, args.repeat)
        assert "error-summary" in answer
        print(f"POST-validate (422 with errors, median of {args.repeat}): {post_s:6.2f} s")

        if not args.no_browser:
            browser_timings(page, url, args.items)
        browser.close()


def browser_timings(page: Any, url: str, items: int) -> None:
    """Chromium's figures. The buttons are pressed from the page (``element.click()``), not
    through Playwright's click, whose scroll-into-view and stability checks alone took
    ~27 s on the 540,000-pixel page (measured), which no trader's click costs."""
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    page.evaluate("() => document.querySelector('.js-add-item').click()")
    page.locator(f"#items-{items}").wait_for(state="attached")
    interactive = time.perf_counter() - start
    last = page.locator(f"#items-{items - 1}").get_by_label("Country of origin", exact=True)
    last.evaluate("select => select.focus()")
    last.select_option("IN")
    choosable = time.perf_counter() - start
    navigation = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return [n.responseEnd, n.domContentLoadedEventEnd, n.loadEventEnd]; }"
    )
    response_end, dom_ready, load = (value / 1000 for value in navigation)
    print(f"browser: response received                  {response_end:6.2f} s")
    print(f"browser: DOMContentLoaded                   {dom_ready:6.2f} s")
    print(f"browser: load                               {load:6.2f} s")
    print(f"browser: interactive (Add item answered)    {interactive:6.2f} s")
    print(f"browser: last item's country choosable      {choosable:6.2f} s")
    start = time.perf_counter()
    page.evaluate("() => document.querySelector('button[value=submit]:not([tabindex])').click()")
    page.locator("#error-summary").wait_for(state="attached")
    print(f"browser: Submit until the errors show       {time.perf_counter() - start:6.2f} s")


if __name__ == "__main__":
    main()
