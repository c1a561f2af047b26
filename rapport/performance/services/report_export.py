"""A campaign's wrap report as a file: CSV, XLSX or PDF, with the same figures as the page.

All three are written from one assembled :class:`~rapport.performance.queries.report.Report`
through :func:`tables`: the headline figures, the per-creator table with its recommendations,
the tier mix, the top content and the learnings (XLSX and CSV add the definitions). Numbers are
numbers (an XLSX cell holds 16.67, not "$16.67"), rounded as the page shows them; the engagement
rate is in percent. Every text cell goes through the creators export's formula neutraliser, so
a creator's name or an experiment's note never runs as a spreadsheet formula.

The PDF uses DejaVu Sans when the system has it (any language's letters, the euro sign);
without it, fpdf2's core font with the text narrowed to Latin-1 (the euro sign written "EUR"),
so nothing crashes.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook

from rapport.creators.exporting import XLSX_TYPE, csv_lines, safe_cell
from rapport.performance.kpis import rounded
from rapport.performance.queries.report import (
    HEADLINE,
    KPI_NAMES,
    POST_FIGURES,
    ROW_FIGURES,
    Figure,
    Report,
)
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import User
from rapport.workspaces.services import record

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX_TYPE,
    "pdf": "application/pdf",
}
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# fpdf2's font subsetting reports every table it touches at INFO: not news for our logs.
logging.getLogger("fontTools").setLevel(logging.WARNING)
# Relative widths of the PDF's creator and tier tables: name, tier, one per figure, advice.
PDF_NAME_WIDTH, PDF_TIER_WIDTH, PDF_FIGURE_WIDTH, PDF_ADVICE_WIDTH = 34, 16, 17, 23


@dataclass(frozen=True)
class Table:
    """One part of the report as rows of cells (numbers stay numbers)."""

    title: str
    header: list[str]
    rows: list[list[Any]]


def number(figure: Figure) -> Decimal | int | None:
    """The figure as a file holds it: a KPI rounded as shown (ER in percent), a total as is."""
    if figure.name in KPI_NAMES:
        return rounded(figure.name, figure.value)  # type: ignore[arg-type]
    return figure.value


def _heading(name: str, label: str, currency: str) -> str:
    if name == "er":
        return f"{label} (%)"
    if name in ("spend", "revenue", "cpm", "cpv", "cpa", "cpe"):
        return f"{label} ({currency})"
    return label


def tables(report: Report) -> list[Table]:
    """The report's parts, in the order every file shows them."""
    currency = report.currency
    headline = Table(
        title=_("Headline figures"),
        header=[_("Figure"), _("Value"), _("As shown"), _("Definition")],
        rows=[
            [_heading(f.name, f.label, currency), number(f), f.display, f.definition]
            for f in report.headline
        ],
    )
    labels = {f.name: f.label for f in report.headline}
    creators = Table(
        title=_("Creators"),
        header=[
            _("Creator"),
            _("Tier"),
            *(_heading(name, labels[name], currency) for name in ROW_FIGURES),
            _("Recommendation"),
        ],
        rows=[
            [
                row.creator,
                row.tier_label,
                *(number(cell) for cell in row.cells),
                str(row.recommendation.label),
            ]
            for row in report.rows
        ],
    )
    tiers = Table(
        title=_("Tiers"),
        header=[_("Tier"), *(_heading(name, labels[name], currency) for name in ROW_FIGURES)],
        rows=[[tier.label, *(number(cell) for cell in tier.cells)] for tier in report.tiers],
    )
    top = Table(
        title=_("Top content"),
        header=[
            _("Creator"),
            _("Platform"),
            _("Address"),
            _("Figures of"),
            *(_heading(name, labels[name], currency) for name in (*POST_FIGURES, "er")),
        ],
        rows=[
            [
                post.creator,
                post.platform,
                post.url,
                post.collected_on.isoformat(),
                *(number(cell) for cell in post.cells),
            ]
            for post in report.top_posts
        ],
    )
    learnings = Table(
        title=_("Learnings"),
        header=[_("Hypothesis"), _("What was varied"), _("Result"), _("Decision")],
        rows=[[e.hypothesis, e.varied, e.result, e.decision] for e in report.learnings],
    )
    return [headline, creators, tiers, top, learnings]


def definitions(report: Report) -> Table:
    """Each figure's definition, and the recommendation rules."""
    return Table(
        title=_("Definitions"),
        header=[_("Figure"), _("Definition")],
        rows=[
            *([f.label, f.definition] for f in report.headline),
            [_("Recommendations"), report.cost_explanation],
            *([name, rule] for name, rule in report.rules),
        ],
    )


def _safe(row: Sequence[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def to_csv(report: Report) -> bytes:
    """One CSV file: each part under its title, parts separated by an empty row."""
    rows: list[list[Any]] = [
        [report.campaign.name, report.currency, report.generated_at.date().isoformat()]
    ]
    for table in [*tables(report), definitions(report)]:
        rows += [[], [table.title], table.header, *table.rows]
    header, *rest = rows
    return "".join(csv_lines(_safe(header), (_safe(row) for row in rest))).encode()


def to_xlsx(report: Report) -> bytes:
    """A workbook with one sheet per part and a definitions sheet; numbers are real numbers."""
    workbook = Workbook(write_only=True)
    for table in [*tables(report), definitions(report)]:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append(_safe(table.header))
        for row in table.rows:
            sheet.append(_safe(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="landscape", format="A4")
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        self.unicode = regular.exists() and bold.exists()
        if self.unicode:
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
            self.family_name = "DejaVu"
        else:
            self.family_name = "Helvetica"
        self.set_auto_page_break(auto=True, margin=12)
        self.add_page()

    def text_of(self, value: Any) -> str:
        """``value`` as the font can write it."""
        text = "" if value is None else str(value)
        if self.unicode:
            return text
        text = text.replace("€", "EUR").replace("\u202f", " ").replace("\xa0", " ")
        text = unicodedata.normalize("NFC", text)
        return text.encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font(self.family_name, "B", size)
        self.multi_cell(0, 8, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family_name, "", 9)

    def grid(
        self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Any, size: int = 8
    ) -> None:
        self.set_font(self.family_name, "", size)
        with self.table(
            col_widths=widths,
            headings_style=FontFace(emphasis="BOLD"),
            line_height=5,
        ) as grid:
            for cells in [header, *rows]:
                line = grid.row()
                for cell in cells:
                    line.cell(self.text_of(cell))
        self.ln(3)


def to_pdf(report: Report) -> bytes:
    """A printable report: headline figures with their definitions, the creators with their
    recommendations, the tier mix, the top content and the learnings, as the page writes them."""
    pdf = _Pdf()
    pdf.heading(_("Wrap report: %(campaign)s") % {"campaign": report.campaign.name}, 16)
    local = timezone.localtime(report.generated_at, zone(report.campaign.workspace.time_zone))
    pdf.multi_cell(
        0,
        5,
        pdf.text_of(
            _("Figures in %(currency)s, as known on %(date)s.")
            % {"currency": report.currency, "date": formats.date_format(local, "j F Y")}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.heading(_("Headline figures"))
    pdf.grid(
        [_("Figure"), _("Value"), _("Definition")],
        [[f.label, f.display, f.definition] for f in report.headline if f.name in HEADLINE],
        (30, 30, 210),
    )
    pdf.heading(_("Creators"))
    pdf.multi_cell(0, 5, pdf.text_of(report.cost_explanation), new_x="LMARGIN", new_y="NEXT")
    labels = {f.name: f.label for f in report.headline}
    figure_widths = [PDF_FIGURE_WIDTH] * len(ROW_FIGURES)
    pdf.grid(
        [_("Creator"), _("Tier"), *(labels[n] for n in ROW_FIGURES), _("Recommendation")],
        [
            [row.creator, row.tier_label, *(c.display for c in row.cells), row.recommendation.label]
            for row in report.rows
        ]
        or [[_("No creator has figures in this currency yet."), *[""] * (len(ROW_FIGURES) + 2)]],
        (PDF_NAME_WIDTH, PDF_TIER_WIDTH, *figure_widths, PDF_ADVICE_WIDTH),
        size=7,
    )
    pdf.heading(_("Recommendation rules"), 11)
    for name, rule in report.rules:
        pdf.multi_cell(0, 5, pdf.text_of(f"{name}: {rule}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if report.tiers:
        pdf.heading(_("Tier mix"))
        pdf.grid(
            [_("Tier"), *(labels[n] for n in ROW_FIGURES)],
            [[tier.label, *(c.display for c in tier.cells)] for tier in report.tiers],
            (PDF_NAME_WIDTH + PDF_TIER_WIDTH, *figure_widths),
            size=7,
        )
    if report.top_posts:
        pdf.heading(_("Top content"))
        pdf.grid(
            [_("Creator"), _("Platform"), _("Address"), *(labels[n] for n in POST_FIGURES)],
            [
                [p.creator, p.platform, p.url, *(c.display for c in p.cells[: len(POST_FIGURES)])]
                for p in report.top_posts
            ],
            (40, 25, 105, 25, 25, 25, 25),
        )
    pdf.heading(_("Learnings"))
    if report.learnings:
        pdf.grid(
            [_("Hypothesis"), _("What was varied"), _("Result"), _("Decision")],
            [[e.hypothesis, e.varied, e.result, e.decision] for e in report.learnings],
            (70, 60, 70, 70),
        )
    else:
        pdf.multi_cell(
            0,
            5,
            pdf.text_of(_("No experiment was logged for this campaign.")),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}


def filename(report: Report, fmt: str) -> str:
    """``<campaign slug>-report-<currency>-<date>.<fmt>``, dated in the workspace's time zone."""
    workspace = report.campaign.workspace
    day = timezone.localdate(report.generated_at, zone(workspace.time_zone))
    return f"{report.campaign.slug}-report-{report.currency.lower()}-{day.isoformat()}.{fmt}"


def export_report(*, report: Report, fmt: str, actor: User | None) -> HttpResponse:
    """The report as a download in ``fmt`` (csv, xlsx or pdf); the export is audited. The
    caller checked ``Perm.VIEW`` and that ``fmt`` is one of :data:`FORMATS`."""
    response = HttpResponse(WRITERS[fmt](report), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename(report, fmt)}"'
    campaign = report.campaign
    record(
        workspace=campaign.workspace,
        actor=actor,
        kind="performance.report_exported",
        summary=_("Report of %(campaign)s exported (%(format)s, %(currency)s)")
        % {"campaign": campaign.name, "format": fmt.upper(), "currency": report.currency},
        campaign=campaign,
    )
    return response
