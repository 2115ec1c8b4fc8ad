"""The README's "Deploying" section, for real: nginx serves site/ under a sub-path with the
README's own config block, and LinkChecker crawls every page, asset, PDF, sitemap entry and
search-index location. Zero broken links.

nginx and LinkChecker are Debian packages (scripts/system-packages.sh --test). nginx runs on
127.0.0.1 with its own config, logs and pid file in a temporary folder, and is stopped here.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sample import REPO, clinic_project, item, make_draft

from handouts.publish.publish import publish

SUB = "/patient-info/"


def readme_nginx_block() -> str:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Deploying", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```nginx\n(.*?)```", section, re.S).group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """site/ of a two-handout clinic, built for http://127.0.0.1:PORT/patient-info/ and served by nginx."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: run scripts/system-packages.sh --test"
    tmp = tmp_path_factory.mktemp("deploy")
    port = free_port()
    base = f"http://127.0.0.1:{port}{SUB}"
    project = clinic_project(tmp / "clinic", url=base)
    site = publish(project, [item(), item(make_draft("eczema", "Eczema", also_called=[]))])
    block = readme_nginx_block()
    assert "/srv/riverside-derm/site/" in block and SUB in block
    block = block.replace("/srv/riverside-derm/site/", f"{site}/")
    run = tmp / "nginx"
    run.mkdir()
    conf = run / "nginx.conf"
    conf.write_text(f"""
pid {run}/nginx.pid;
error_log {run}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {run}/access.log;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
{block}
    }}
}}
""")
    proc = subprocess.Popen([nginx, "-p", str(run), "-c", str(conf), "-e", str(run / "error.log"),
                             "-g", "daemon off; master_process off;"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, proc.communicate()[1].decode() + (run / "error.log").read_text()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield site, base, run
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def sitemap_urls(base: str) -> list[str]:
    status, body = fetch(base + "sitemap.xml")
    assert status == 200
    return [el.text for el in ET.fromstring(body).iter() if el.tag.endswith("loc")]


def search_locations(base: str) -> list[str]:
    status, body = fetch(base + "search/search_index.json")
    assert status == 200
    return [base + d["location"] for d in json.loads(body)["docs"]]


def crawl(base: str, run: Path, start: list[str]) -> tuple[int, list, set[str]]:
    """LinkChecker from `start`: (exit code, broken links, every URL of this server it checked)."""
    port = base.split(":")[2].split("/")[0]
    config = run / "linkcheckerrc"
    config.write_text(
        "[checking]\nthreads=4\ntimeout=20\n"
        "[filtering]\ncheckextern=1\nignorewarnings=url-content-type-unparseable\n"
        # Everything on this server is checked, in or out of the sub-path; nothing else is
        # fetched (no network): other hosts, tel: and mailto: links are only syntax-checked.
        f"ignore=\n  ^(?!http://127\\.0\\.0\\.1:{port}/)\n"
        "[output]\nverbose=1\nwarnings=1\n")
    run_ = subprocess.run(["linkchecker", "--no-status", "-f", str(config), "-o", "csv", "--no-robots", *start],
                          capture_output=True, text=True, timeout=300)
    lines = [line for line in run_.stdout.splitlines(keepends=True) if not line.startswith("#")]
    header, *rows = list(csv.reader(lines, delimiter=";"))
    col = {name: i for i, name in enumerate(header)}
    checked = {r[col["url"]] for r in rows if r[col["url"]].startswith(f"http://127.0.0.1:{port}/")}
    broken = [(r[col["url"]], r[col["parentname"]], r[col["result"]], r[col["warningstring"]]) for r in rows
              if r[col["valid"]] not in ("True", "1") or r[col["warningstring"]]]
    return run_.returncode, broken, checked


def test_the_link_checker_catches_a_link_that_leaves_the_sub_path(served):
    site, base, run = served
    (site / "probe.html").write_text('<!doctype html><title>probe</title><a href="/assets/handouts.css">x</a>'
                                     '<a href="acne/">ok</a><a href="nope/">y</a>')
    try:
        code, broken, _ = crawl(base, run, [base + "probe.html"])
    finally:
        (site / "probe.html").unlink()
    assert code == 1
    root = base[: -len(SUB)]
    assert sorted(b[0] for b in broken) == [root + "/assets/handouts.css", base + "nope/"]


def test_link_checker_finds_no_broken_link_under_a_sub_path(served):
    site, base, run = served
    start = [base, base + "404.html", base + "robots.txt", base + "sitemap.xml", base + "sitemap.xml.gz",
             base + "search/search_index.json"]
    start += sitemap_urls(base) + search_locations(base)
    code, broken, checked = crawl(base, run, start)
    assert (code, broken) == (0, [])
    # The crawl really reached everything: every page, both PDFs, the theme's assets.
    for path in ("", "acne/", "eczema/", "acne/acne.pdf", "eczema/eczema.pdf", "assets/handouts.css",
                 "assets/clinic.css", "assets/logo.svg", "search/search_index.json", "sitemap.xml"):
        assert base + path in checked, f"{base + path} was not crawled"
    assert any(u.startswith(base + "assets/javascripts/bundle.") for u in checked)
    # every search-index location names a page and an anchor that exists on it
    anchored = [u for u in search_locations(base) if "#" in u]
    assert len(anchored) >= 10
    for url in anchored:
        page, anchor = url.split("#")
        status, body = fetch(page)
        assert status == 200 and f'id="{anchor}"' in body.decode(), url


def test_every_file_in_site_is_served_with_a_sensible_type(served):
    site, base, _ = served
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        with urllib.request.urlopen(base + rel, timeout=10) as r:
            assert r.status == 200 and r.read() == path.read_bytes(), rel
            ctype = r.headers["Content-Type"]
        want = {".html": "text/html", ".pdf": "application/pdf", ".css": "text/css", ".svg": "image/svg+xml",
                ".json": "application/json", ".xml": "text/xml", ".txt": "text/plain",
                ".js": "application/javascript"}.get(path.suffix)
        if want:
            assert ctype.startswith(want), (rel, ctype)


def test_a_missing_page_gets_the_404_page_with_working_links(served):
    _, base, _ = served
    status, body = fetch(base + "no-such-handout/")
    assert status == 404
    html = body.decode()
    assert "404" in html
    for ref in re.findall(r'(?:href|src)="(/[^"]*)"', html):
        assert ref.startswith(SUB), ref  # absolute paths stay inside the sub-path
        assert fetch(base.split(SUB)[0] + ref.split("#")[0])[0] == 200, ref


def test_robots_and_sitemap_point_at_site_url(served):
    _, base, _ = served
    assert fetch(base + "robots.txt")[1].decode() == f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n"
    urls = sitemap_urls(base)
    assert sorted(urls) == [base, base + "acne/", base + "eczema/"]
    status, gz = fetch(base + "sitemap.xml.gz")
    assert status == 200 and sorted(el.text for el in ET.fromstring(gzip.decompress(gz)).iter()
                                    if el.tag.endswith("loc")) == sorted(urls)
