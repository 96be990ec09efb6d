"""Pages the programme needs on paper, as PDF: a template rendered to HTML, laid out by
WeasyPrint with our own CJK font embedded (WenQuanYi Micro Hei from PyPI, or the font file
WUXING_PDF_FONT names), so the PDF reads the same on any printer and any computer.

WeasyPrint fetches nothing from the network: images come from our media folder (evidence) or
are inline data (the QR code); any other address is refused."""

from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher


def font_path() -> Path:
    configured = getattr(settings, "WUXING_PDF_FONT", "")
    if configured:
        return Path(configured)
    return Path(str(resources.files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"))


class _Fetcher(URLFetcher):  # type: ignore[misc]
    """Files under our media folder and the font's, and inline data: nothing else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = (Path(settings.MEDIA_ROOT).resolve(), font_path().resolve().parent)

    def fetch(self, url: str, headers: Any = None) -> Any:
        # WeasyPrint hands over the URL as written: parse it, compare the scheme whatever its
        # case, and fetch only the canonical URL of the path that was checked (a query or a
        # fragment would be resolved away by the check and dropped by the fetch).
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file" or "?" in url or "#" in url or parts.netloc not in ("", "localhost"):
            raise ValueError(f"not fetched: {url[:80]}")
        text = unquote(parts.path)
        if "?" in text or "#" in text:  # an escaped query or fragment: no file of ours has one
            raise ValueError(f"not fetched: {url[:80]}")
        path = Path(text).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise ValueError(f"not fetched: {url[:80]}")
        return super().fetch(path.as_uri(), headers)


def pdf_bytes(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    html = render_to_string(template, {**context, "pdf": True}, request)
    fonts, fetcher = FontConfiguration(), _Fetcher()
    face = f'@font-face {{ font-family: "Wuxing CJK"; src: url("{font_path().as_uri()}"); }}'
    sheets = [
        CSS(string=face, font_config=fonts, url_fetcher=fetcher),
        CSS(filename=finders.find("css/print.css"), font_config=fonts),
    ]
    document = HTML(string=html, url_fetcher=fetcher, base_url=str(settings.MEDIA_ROOT))
    return document.write_pdf(stylesheets=sheets, font_config=fonts)  # type: ignore[no-any-return]


def pdf_response(
    template: str, context: dict[str, Any], request: HttpRequest, *, filename: str
) -> HttpResponse:
    response = HttpResponse(pdf_bytes(template, context, request), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}.pdf"
    return response


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an inline SVG (no file, no network), for print."""
    return str(segno.make(text, error="m").svg_data_uri(scale=4, border=1))
