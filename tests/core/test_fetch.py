"""The SSRF-safe fetcher (lightninghire.fetch) against a real HTTP server on 127.0.0.1, and the
HTML reader (lightninghire.webpage)."""

from __future__ import annotations

import ipaddress

import pytest

from lightninghire.fetch import FetchFailed, FetchLimits, UrlFetcher, UrlRefused, refusal
from lightninghire.testing import Page
from lightninghire.webpage import read_html

LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"),)


def allowed(**limits) -> UrlFetcher:
    return UrlFetcher(FetchLimits(allow_networks=LOOPBACK, **limits))


@pytest.mark.parametrize("address, why", [
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("127.0.0.1", "loopback"), ("169.254.169.254", "link-local"), ("0.0.0.0", "unspecified"),  # noqa: S104
    ("224.0.0.1", "multicast"), ("240.0.0.1", "reserved"), ("100.64.0.1", "not public"),
    ("::1", "loopback"), ("::", "unspecified"), ("fe80::1", "link-local"), ("fc00::1", "private"),
    ("ff02::1", "multicast"), ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"),
    ("2002:a00:1::", "private"), ("64:ff9b::a9fe:a9fe", "link-local"),
])
def test_non_public_addresses_are_refused(address, why):
    assert refusal(ipaddress.ip_address(address)) == why


def test_public_addresses_and_the_allow_list_pass():
    assert refusal(ipaddress.ip_address("93.184.216.34")) is None
    assert refusal(ipaddress.ip_address("2606:2800:220:1:248:1893:25c8:1946")) is None
    assert refusal(ipaddress.ip_address("127.0.0.1"), LOOPBACK) is None
    assert refusal(ipaddress.ip_address("::ffff:127.0.0.1"), LOOPBACK) is None
    assert refusal(ipaddress.ip_address("127.0.0.2"), LOOPBACK) == "loopback"


@pytest.mark.parametrize("url, reason", [
    ("http://10.0.0.5/x", "address"), ("http://169.254.169.254/latest/meta-data/", "address"),
    ("http://[::1]/", "address"), ("http://[::ffff:127.0.0.1]/", "address"),
    ("http://0.0.0.0/", "address"), ("ftp://example.com/x", "scheme"),
    ("file:///etc/passwd", "scheme"), ("http://user:pw@example.com/", "credentials"),
    ("http:///nohost", "host"), ("http://example.com:99999/", "port"),
])
def test_refused_urls_are_never_connected_to(url, reason, page_server):
    with pytest.raises(UrlRefused) as refused:
        UrlFetcher().fetch(url)
    assert refused.value.reason == reason and refused.value.status == 400
    assert page_server.hits == []


def test_a_name_resolving_to_any_refused_address_is_refused():
    # A resolver answering a public and a private address: the whole name is refused.
    fetcher = UrlFetcher(resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(UrlRefused, match=r"10\.0\.0\.7"):
        fetcher.fetch("http://two-faced.example/")


def test_a_loopback_server_is_fetched_only_when_allow_listed(page_server):
    page_server.pages["/p"] = Page(b"<title>Hi</title><p>Hello</p>")
    with pytest.raises(UrlRefused, match="loopback address"):
        UrlFetcher().fetch(page_server.url("/p"))
    assert page_server.hits == []
    page = allowed().fetch(page_server.url("/p"))
    assert page.status == 200 and page.content_type == "text/html" and "Hello" in page.text
    assert page_server.hosts == [f"127.0.0.1:{page_server.port}"]


def test_the_connection_goes_to_the_checked_address_with_the_host_header(page_server):
    page_server.pages["/p"] = Page(b"pinned", headers={"Content-Type": "text/plain"})
    # The name resolves (once) to the allowed loopback address; the Host header keeps the name.
    fetcher = UrlFetcher(FetchLimits(allow_networks=LOOPBACK),
                         resolver=lambda host, port: ["127.0.0.1"])
    page = fetcher.fetch(f"http://postings.example:{page_server.port}/p")
    assert page.text == "pinned"
    assert page_server.hosts == [f"postings.example:{page_server.port}"]


def test_redirects_are_followed_and_each_target_is_checked(page_server):
    page_server.pages["/a"] = Page(status=302, headers={"Location": "/b"})
    page_server.pages["/b"] = Page(b"<p>final</p>")
    page = allowed().fetch(page_server.url("/a"))
    assert page.url == page_server.url("/b") and page.redirects == (page_server.url("/b"),)
    page_server.pages["/meta"] = Page(status=302, headers={
        "Location": "http://169.254.169.254/latest/meta-data/"})
    page_server.pages["/other-loopback"] = Page(status=307, headers={
        "Location": f"http://127.0.0.2:{page_server.port}/b"})
    for path in ("/meta", "/other-loopback"):
        with pytest.raises(UrlRefused):
            allowed().fetch(page_server.url(path))
    page_server.pages["/loop"] = Page(status=301, headers={"Location": "/loop"})
    with pytest.raises(FetchFailed) as failed:
        allowed(max_redirects=2).fetch(page_server.url("/loop"))
    assert failed.value.reason == "redirects" and failed.value.status == 422
    assert page_server.hits.count("/loop") == 3


def test_size_type_status_and_encoding_limits(page_server):
    page_server.pages["/big"] = Page(b"x" * 5000)
    page_server.pages["/big-unsized"] = Page(b"y" * 5000, headers={"Content-Length": ""})
    page_server.pages["/json"] = Page(b"{}", headers={"Content-Type": "application/json"})
    page_server.pages["/gone"] = Page(b"gone", status=410)
    page_server.pages["/gz"] = Page(b"....", headers={"Content-Encoding": "gzip"})
    fetcher = allowed(max_bytes=4096)
    for path, reason in (("/big", "too_large"), ("/big-unsized", "too_large"),
                         ("/json", "content_type"),
                         ("/gone", "status"), ("/gz", "encoding")):
        with pytest.raises(FetchFailed) as failed:
            fetcher.fetch(page_server.url(path))
        assert failed.value.reason == reason, path
    assert len(allowed(max_bytes=5000).fetch(page_server.url("/big")).text) == 5000


def test_a_page_that_never_arrives_times_out(page_server):
    page_server.pages["/stall"] = Page(stall=True)
    with pytest.raises(FetchFailed) as failed:
        allowed(timeout_seconds=0.3).fetch(page_server.url("/stall"))
    assert failed.value.reason == "timeout" and "0.3 seconds" in failed.value.message


def test_read_html_gives_title_meta_json_ld_and_visible_text():
    page = read_html("""<html><head><title>Senior SRE | Acme</title>
        <meta property="og:site_name" content="Acme Corp">
        <script type="application/ld+json">{"@graph": [{"@type": "Thing", "name": "x"}]}</script>
        <style>p {color: red}</style></head>
        <body><h1>Senior SRE</h1><script>var secret = 1;</script>
        <p>Keep it &amp; running.</p><ul><li>Linux</li><li>Go</li></ul></body></html>""")
    assert page.title == "Senior SRE | Acme" and page.meta["og:site_name"] == "Acme Corp"
    assert page.headings == ["Senior SRE"] and page.json_ld == [{"@type": "Thing", "name": "x"}]
    assert page.text.splitlines() == ["Senior SRE", "Keep it & running.", "- Linux", "- Go"]


def test_https_goes_to_the_checked_address_with_the_url_host_as_tls_server_name(tmp_path):
    import datetime
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "postings.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("postings.example")]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers["Host"])
            body = b"<title>Secure</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        fetcher = UrlFetcher(FetchLimits(allow_networks=LOOPBACK),
                             resolver=lambda host, port: ["127.0.0.1"])
        fetcher.tls = ssl.create_default_context(cafile=str(cert_file))
        page = fetcher.fetch(f"https://postings.example:{port}/p")
        assert "Secure" in page.text and seen == [f"postings.example:{port}"]
        # The certificate is checked against the URL's host: another name fails.
        other = UrlFetcher(FetchLimits(allow_networks=LOOPBACK),
                           resolver=lambda host, port: ["127.0.0.1"])
        other.tls = fetcher.tls
        with pytest.raises(FetchFailed) as failed:
            other.fetch(f"https://elsewhere.example:{port}/p")
        assert failed.value.reason == "connection"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
