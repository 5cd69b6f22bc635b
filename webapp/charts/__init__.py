"""Server-rendered inline SVG charts for the report page."""

from webapp.charts.report_charts import ReportCharts, charts_of

__all__ = ["ReportCharts", "charts_of"]
