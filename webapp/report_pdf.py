"""The one-page summary PDF a marketer sends to a client: account, date, verdict and score,
vetoes and red flags, the key figures (engagement against its band, audience quality with its
interval, growth, price), the top reasons, and where the data came from.

Drawn with fpdf2 (pure Python). Text is set in DejaVu Sans when the system has it (Debian's
fonts-dejavu-core), else in the PDF's built-in Helvetica with the text reduced to Latin-1. The
page is drawn at full size first; if it does not fit on one page, again a little smaller, so the
summary is always exactly one page.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from webapp.models import Flag, Metric, ReportResponse
from webapp.report_view import ReportView, report_view
from webapp.templating import metric_value, when

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
SCALES = (1.0, 0.92, 0.84, 0.76, 0.68, 0.6)
MAX_FLAGS = 4
MAX_TEXT = 320

INK = (28, 32, 40)
MUTED = (95, 102, 115)
VERDICT_COLOURS = {
    "recommended": (22, 120, 70),
    "review": (170, 110, 0),
    "avoid": (180, 35, 35),
}
DEMO_COLOUR = (120, 40, 150)

# What the built-in fonts cannot show, in words they can.
_LATIN1 = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2022": "-",
        "\u00b7": "-",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u2248": "~",
        "\u2192": "->",
        "\u2009": " ",
        "\u202f": " ",
    }
)


def find_font_dir() -> Path | None:
    for directory in FONT_DIRS:
        if (directory / "DejaVuSans.ttf").is_file() and (
            directory / "DejaVuSans-Bold.ttf"
        ).is_file():
            return directory
    return None


class _Page(FPDF):
    def __init__(self, font_dir: Path | None, scale: float) -> None:
        super().__init__(format="A4", unit="mm")
        self.scale = scale
        self.set_margins(16, 14, 16)
        self.set_auto_page_break(True, margin=14)
        self.set_creator("Profile Analyzer")
        if font_dir is not None:
            self.add_font("Body", "", str(font_dir / "DejaVuSans.ttf"))
            self.add_font("Body", "B", str(font_dir / "DejaVuSans-Bold.ttf"))
            self.family_name = "Body"
        else:
            self.family_name = "helvetica"
        self.add_page()

    def fits(self, text: str) -> str:
        """The text as the current font can draw it: unknown characters become '?'."""
        text = unicodedata.normalize("NFC", text)
        font = self.current_font
        if isinstance(font, TTFFont):
            return "".join(c if ord(c) in font.cmap or c in "\n" else "?" for c in text)
        text = text.translate(_LATIN1)
        return text.encode("latin-1", "replace").decode("latin-1")

    def style(self, size: float, *, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family_name, "B" if bold else "", size * self.scale)
        self.set_text_color(*colour)

    def para(self, text: str, size: float = 9.5, **style: object) -> None:
        self.style(size, **style)  # type: ignore[arg-type]
        self.multi_cell(
            0,
            size * 0.5 * self.scale,
            self.fits(text),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
            align="L",
        )

    def gap(self, millimetres: float) -> None:
        self.ln(millimetres * self.scale)

    def heading(self, text: str) -> None:
        self.gap(2.5)
        self.para(text.upper(), 8, bold=True, colour=MUTED)
        self.gap(0.8)

    def items(self, lines: Iterable[str], *, numbered: bool = False, size: float = 9.5) -> None:
        for number, line in enumerate(lines, start=1):
            mark = f"{number}." if numbered else "-"
            self.style(size)
            self.cell(6 * self.scale, size * 0.5 * self.scale, mark)
            self.multi_cell(
                0,
                size * 0.5 * self.scale,
                self.fits(line),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
                align="L",
            )
            self.gap(0.8)


def _short(text: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _flag_line(flag: Flag) -> str:
    return _short(f"{flag.rule}: {flag.text}")


def _figure(view: ReportView, metric: Metric) -> str:
    text = metric_value(metric)
    if metric.interval is not None:
        text += f" ({view.interval_text(metric)})"
    return text


def _key_figures(view: ReportView) -> list[tuple[str, str, str]]:
    """(label, value, note) for the figures the report's first screen shows."""
    summary = view.summary
    report = view.report
    rows: list[tuple[str, str, str]] = []
    if summary is None:
        median = report.metrics.engagement_rate_median
        rows.append(("Engagement", metric_value(median), _short(median.explanation, 160)))
        return rows
    if summary.engagement is not None:
        note = ""
        if summary.band is not None:
            band = summary.band.benchmark
            where = summary.band.where.capitalize()
            note = (
                f"{where} the {band.tier} band for {report.platform.label}: "
                f"{band.low}\u2013{band.high} % (typical {band.typical} %)"
            )
        rows.append(("Engagement", _figure(view, summary.engagement.metric), note))
    if summary.audience is not None:
        metric = summary.audience.metric
        rows.append(
            (metric.label, _figure(view, metric), f"n = {metric.sample_size:,} sampled followers")
        )
    if summary.growth is not None:
        metric = summary.growth.metric
        rows.append(
            (metric.label, _figure(view, metric), f"{report.profile.followers:,} followers now")
        )
    low, high = summary.price_low, summary.price_high
    if low is not None and high is not None and None not in (low.metric.value, high.metric.value):
        price = f"{metric_value(low.metric)}\u2013{metric_value(high.metric)}"
        note = ""
        if summary.cost_per_viewer is not None:
            viewer = summary.cost_per_viewer.metric
            note = f"{viewer.label}: {_figure(view, viewer)}"
        rows.append(("Fair price per post", price, note))
    return rows


def _draw(pdf: _Page, view: ReportView, link: str | None) -> None:
    report = view.report
    score = report.score
    pdf.para("Creator report summary", 8, bold=True, colour=MUTED)
    pdf.gap(1)
    pdf.para(f"{report.profile.display_name}", 17, bold=True)
    pdf.para(
        f"@{report.handle} on {report.platform.label} \u00b7 {report.profile.followers:,} "
        f"followers \u00b7 {report.profile.following:,} following \u00b7 "
        f"{report.profile.posts:,} posts",
        10,
        colour=MUTED,
    )
    pdf.para(f"Report of {when(report.generated_at)}", 9, colour=MUTED)
    if report.is_demo:
        pdf.gap(2)
        pdf.para(
            f"DEMO DATA: these figures are synthetic, generated for @{report.handle} to show how "
            f"a report reads. {report.platform.label} was not contacted.",
            9.5,
            bold=True,
            colour=DEMO_COLOUR,
        )

    pdf.gap(3)
    verdict = score.verdict if score is not None else None
    colour = VERDICT_COLOURS.get(verdict or "", INK)
    label = view.verdict_label or "No verdict: not enough data"
    value = score.value if score is not None else None
    score_text = f"Score {value:.0f}/100" if value is not None else "No score"
    if view.vetoed and value is not None:
        score_text += " (overruled by a veto)"
    pdf.para(f"Verdict: {label}", 15, bold=True, colour=colour)
    pdf.para(score_text, 12, bold=True)

    if score is not None and score.vetoes:
        pdf.heading("Vetoes (avoid whatever the score)")
        pdf.items(_flag_line(flag) for flag in score.vetoes[:MAX_FLAGS])
    if score is not None and score.red_flags:
        pdf.heading("Red flags")
        pdf.items(_flag_line(flag) for flag in score.red_flags[:MAX_FLAGS])

    figures = _key_figures(view)
    if figures:
        pdf.heading("Key figures")
        for name, figure, note in figures:
            pdf.style(9.5, bold=True)
            pdf.cell(52 * pdf.scale, 5 * pdf.scale, pdf.fits(name))
            pdf.style(9.5)
            pdf.multi_cell(
                0,
                5 * pdf.scale,
                pdf.fits(figure + (f"  \u2014  {note}" if note else "")),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
                align="L",
            )
            pdf.gap(0.6)

    if score is not None and score.reasons:
        pdf.heading("Top reasons")
        pdf.items((_short(reason.text) for reason in score.reasons[:3]), numbered=True)
    if score is not None and score.unmeasured:
        pdf.heading("Not measured")
        pdf.items(_short(item.text, 200) for item in score.unmeasured[:3])

    pdf.heading("Source and method")
    source = "demo (synthetic data)" if report.is_demo else report.source
    lines = [f"Data source: {source}."]
    if score is not None:
        lines.append(_short(f"Quality score: {score.formula}.", 260))
    if report.benchmark is not None:
        lines.append(_short(f"Engagement benchmark: {report.benchmark.source}", 260))
    if report.coverage:
        lines.append(_short("Not covered: " + "; ".join(report.coverage), 260))
    lines.append(
        "Every figure in the full report shows its formula, its sample size and the posts, "
        "comments or accounts behind it."
    )
    for line in lines:
        pdf.para(line, 8, colour=MUTED)
        pdf.gap(0.6)
    if link:
        pdf.gap(1)
        pdf.para(f"Full report: {link}", 8, colour=MUTED)


def summary_pdf(
    report: ReportResponse, *, link: str | None = None, font_dir: Path | None = None
) -> bytes:
    """The summary as one A4 page. `link` is the full report's address, printed at the foot;
    `font_dir` holds DejaVuSans.ttf and DejaVuSans-Bold.ttf (None: the built-in font)."""
    # fontTools logs every table it prunes while subsetting the font, at INFO.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    view = report_view(report)
    for scale in SCALES:
        pdf = _Page(font_dir, scale)
        pdf.set_title(f"Report summary: @{report.handle} on {report.platform.label}")
        _draw(pdf, view, link)
        if pdf.pages_count == 1:
            break
        _close_fonts(pdf)
    else:
        # Even the smallest type overflowed (an absurdly long report): keep the first page.
        pdf = _Page(font_dir, SCALES[-1])
        pdf.set_auto_page_break(False)
        _draw(pdf, view, link)
    try:
        return bytes(pdf.output())
    finally:
        _close_fonts(pdf)


def _close_fonts(pdf: FPDF) -> None:
    """Close the font files fpdf2 leaves open: fontTools reads a TTF lazily and keeps its file
    until closed, which otherwise happens at garbage collection, with a ResourceWarning."""
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            font.ttfont.close()


def pdf_filename(report: ReportResponse) -> str:
    demo = "-demo" if report.is_demo else ""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in report.handle)[:60]
    return f"summary-{report.platform.value}-{safe}{demo}.pdf"
