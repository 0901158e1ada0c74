"""PDF documents (quotes, statements, reports) with an embedded CJK font.

fpdf2 embeds a subset of a TrueType font, so a document shows Chinese names and labels on any
reader without Adobe's Asian font packs. The font is found once: ``OPENSRM_PDF_FONT`` (a
.ttf, .otf or .ttc file) if set, else the first of the common system CJK fonts (WenQuanYi
Micro Hei, Noto Sans CJK, Source Han Sans).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF

from opensrm.core.errors import DomainError

FONT_FAMILY = "body"
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSansSC-Regular.otf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


class FontMissing(DomainError):
    status = 503
    code = "pdf_font_missing"


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    configured = os.environ.get("OPENSRM_PDF_FONT", "").strip()
    candidates = [configured] if configured else list(SYSTEM_FONTS)
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file():
            return path
    raise FontMissing(
        _(
            "No Chinese font was found for PDF documents. Install fonts-wqy-microhei (or Noto Sans CJK) "
            "or set OPENSRM_PDF_FONT to a .ttf, .otf or .ttc file."
        )
    )


def new_document() -> FPDF:
    """An A4 portrait document whose body font covers Chinese and Latin text."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    pdf.add_font(FONT_FAMILY, "", str(cjk_font_path()))
    pdf.set_font(FONT_FAMILY, size=10)
    return pdf


def render(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
