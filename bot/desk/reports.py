"""Laporan: a year's delegations and participants per month, by province of origin and by
kind of organisation, and the feedback; charts drawn in the browser by Chart.js (served from
the project), the same figures as tables (what shows without JavaScript), and CSV and XLSX
exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from types import MappingProxyType

import xlsxwriter
from aiohttp import web

from bot.core.calendar_text import MONTHS
from bot.desk.pages import download, page
from bot.desk.security import DESK_KEY
from bot.services.overview import YearFigures

Table = tuple[str, list[str], list[list[object]]]  # title, header, rows
PAGE_COMMENTS = 100  # on the page; the exports carry them all
KINDS = MappingProxyType(
    {"koperasi": "Koperasi", "dinas": "Dinas / pemerintah", "lainnya": "Lainnya"}
)


def _year(request: web.Request) -> int:
    text = request.match_info.get("year") or request.query.get("tahun") or ""
    today = request.app[DESK_KEY].today()
    return int(text) if text.isdecimal() and 2000 <= int(text) <= 2100 else today.year


def tables(figures: YearFigures) -> list[Table]:
    """The report's figures, table by table (the page, the CSV and the XLSX show these)."""
    months = [
        [MONTHS[m - 1], figures.delegations[m], figures.participants[m]] for m in range(1, 13)
    ]
    provinces = [[name, n] for name, n in figures.by_province.most_common()]
    kinds = [[KINDS.get(kind, kind), n] for kind, n in figures.by_kind.most_common()]
    ratings = [[f"{'★' * r}", figures.ratings[r]] for r in range(5, 0, -1)]
    visits = [[code, name, f"{average:.2f}", n]
              for code, (name, average, n) in sorted(figures.per_visit.items())]  # fmt: skip
    comments = [[code, rating, text] for code, rating, text in figures.comments]
    return [
        ("Kunjungan per bulan", ["Bulan", "Delegasi", "Peserta"], months),
        ("Asal provinsi", ["Provinsi", "Delegasi"], provinces),
        ("Jenis lembaga", ["Jenis", "Delegasi"], kinds),
        ("Penilaian", ["Nilai", "Jumlah"], ratings),
        ("Rata-rata per kunjungan", ["Kode", "Lembaga", "Rata-rata", "Penilai"], visits),
        ("Komentar, terbaru dahulu", ["Kode", "Nilai", "Komentar"], comments),
    ]


async def report(request: web.Request) -> web.Response:
    desk = request.app[DESK_KEY]
    year = _year(request)
    figures = await desk.overview.year(year, comments=PAGE_COMMENTS)
    ratings = sum(figures.ratings.values())
    average = sum(r * n for r, n in figures.ratings.items()) / ratings if ratings else None
    return await page(
        request, "reports.html", year=year, tables=tables(figures), average=average,
        charts=charts(figures),
    )  # fmt: skip


def charts(figures: YearFigures) -> list[dict[str, object]]:
    """What desk.js draws: one entry per chart, Chart.js's own `type` and `data`."""
    provinces = figures.by_province.most_common(12)
    kinds = figures.by_kind.most_common()
    return [
        {"title": "Delegasi dan peserta per bulan", "type": "bar", "data": {
            "labels": [name[:3] for name in MONTHS],
            "datasets": [
                {"label": "Delegasi", "yAxisID": "y",
                 "data": [figures.delegations[m] for m in range(1, 13)]},
                {"label": "Peserta", "yAxisID": "people",
                 "data": [figures.participants[m] for m in range(1, 13)]},
            ]},
         "options": {"scales": {
             "people": {"position": "right", "grid": {"drawOnChartArea": False}},
         }}},
        {"title": "Asal provinsi", "type": "bar", "data": {
            "labels": [name for name, _ in provinces],
            "datasets": [{"label": "Delegasi", "data": [n for _, n in provinces]}]}},
        {"title": "Jenis lembaga", "type": "pie", "data": {
            "labels": [KINDS.get(kind, kind) for kind, _ in kinds],
            "datasets": [{"label": "Delegasi", "data": [n for _, n in kinds]}]}},
        {"title": "Sebaran penilaian", "type": "bar", "data": {
            "labels": ["1", "2", "3", "4", "5"],
            "datasets": [
                {"label": "Penilaian", "data": [figures.ratings[r] for r in range(1, 6)]},
            ]}},
    ]  # fmt: skip


def _rows(figures: YearFigures) -> Iterator[list[object]]:
    for title, header, rows in tables(figures):
        yield [title]
        yield list(header)
        yield from rows
        yield []


async def export_csv(request: web.Request) -> web.Response:
    year = _year(request)
    figures = await request.app[DESK_KEY].overview.year(year)
    out = io.StringIO()
    csv.writer(out).writerows(_rows(figures))
    return download(out.getvalue().encode("utf-8-sig"), f"laporan-{year}.csv", "text/csv")


async def export_xlsx(request: web.Request) -> web.Response:
    """One sheet per table; text is written as text (never as a formula)."""
    year = _year(request)
    figures = await request.app[DESK_KEY].overview.year(year)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    for title, header, rows in tables(figures):
        sheet = book.add_worksheet(title[:31])
        sheet.write_row(0, 0, header, bold)
        for index, row in enumerate(rows, start=1):
            sheet.write_row(index, 0, row)
    book.close()
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return download(out.getvalue(), f"laporan-{year}.xlsx", kind)
