"""A built site served on this machine, and a browser kept to it.

The PDF build (build_pdf.py), the site's benchmark (benchmarks/bench_site.py) and the browser
tests (tests/test_site.py, tests/test_site_host.py) all open pages from a folder served on
127.0.0.1; the tests also cut every request to another host, so that a page that works offline
is known to work offline.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

HOST = "127.0.0.1"


@contextlib.contextmanager
def serve(folder: Path, errors: list[str] | None = None):
    """Serve `folder` on 127.0.0.1 on a free port; yield its base URL ("http://127.0.0.1:PORT").
    If `errors` is a list, each request answered with a status of 400 or more is appended to it
    as "PATH (STATUS)"."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_request(self, code="-", size="-"):
            if errors is not None and str(code).isdigit() and int(code) >= 400:
                errors.append(f"{self.path} ({int(code)})")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer((HOST, 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://{HOST}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def keep_to_this_machine(context) -> None:
    """Abort every request of a Playwright browser context to a host other than 127.0.0.1
    (http, https and websockets); `data:` and `blob:` URLs are untouched."""

    def route(request_route):
        url = urlsplit(request_route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname != HOST:
            request_route.abort()
        else:
            request_route.continue_()

    context.route("**/*", route)
