"""Documents a customer receives: the quote PDF, in the quote's language."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext
from fpdf.fonts import FontFace

from opensrm.core.pdf import new_document, render
from opensrm.crm.models import Quote

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "JP¥"}


def money_text(value: Decimal, currency: str) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{abs(value):,.2f}"


def quote_pdf(quote: Quote) -> bytes:
    """The quote as an A4 PDF with the company's name, the customer, the lines and the totals."""
    with override(quote.language):
        pdf = new_document()
        pdf.add_page()
        company = settings.OPENSRM["COMPANY_NAME"]
        pdf.set_font_size(16)
        pdf.cell(0, 9, _("Quote %(number)s") % {"number": quote.number}, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font_size(10)
        pdf.cell(0, 6, company, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        contact = quote.contact.name if quote.contact_id and quote.contact else ""
        owner = str(quote.owner) if quote.owner_id and quote.owner else ""
        header = [
            (pgettext("quote document", "Customer"), quote.account.name),
            (pgettext("quote document", "Contact"), contact),
            (pgettext("quote document", "Project"), quote.opportunity.name),
            (pgettext("quote document", "Date"), formats.date_format(timezone.localdate(quote.created_at))),
            (pgettext("quote document", "Valid until"), formats.date_format(quote.valid_until)),
            (pgettext("quote document", "Sales representative"), owner),
            (pgettext("quote document", "Currency"), quote.currency),
        ]
        for label, value in header:
            if not value:
                continue
            pdf.cell(40, 6, str(label))
            pdf.cell(0, 6, str(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        widths = (70, 20, 30, 20, 34)
        # One regular CJK face: a bold face would need a second font file, so headings are shaded.
        heading = FontFace(emphasis="", fill_color=(235, 238, 242))
        with pdf.table(
            col_widths=widths, text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), headings_style=heading
        ) as table:
            table.row(
                [
                    pgettext("quote document", "Product"),
                    pgettext("quote document", "Quantity"),
                    pgettext("quote document", "Unit price"),
                    pgettext("quote document", "Discount"),
                    pgettext("quote document", "Amount"),
                ]
            )
            for line in quote.lines.select_related("product"):
                table.row(
                    [
                        f"{line.product.code} {line.description or line.product.name}",
                        f"{line.quantity.normalize():f}",
                        money_text(line.unit_price, quote.currency),
                        f"{line.discount_pct.normalize():f} %",
                        money_text(line.amount, quote.currency),
                    ]
                )
        pdf.ln(3)
        for total_label, amount in (
            (pgettext("quote document", "Subtotal"), quote.subtotal),
            (pgettext("quote document", "Discount"), -quote.discount_total),
            (pgettext("quote document", "Total"), quote.total),
        ):
            pdf.cell(140, 6, str(total_label), align="R")
            pdf.cell(34, 6, money_text(amount, quote.currency), align="R", new_x="LMARGIN", new_y="NEXT")
        if quote.notes:
            pdf.ln(4)
            pdf.multi_cell(0, 5, quote.notes)
        return render(pdf)
