"""Kunjungan: the study-visit assistant of Koperasi BMI Grup."""

from bot.channels.telegram.lazy_types import import_aiogram

import_aiogram()  # before any module imports aiogram: its types are then built on first use
