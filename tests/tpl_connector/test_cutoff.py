from datetime import date, datetime

from odoo.addons.tpl_connector.lib import cutoff


def test_cutoff_time_from_hours():
    assert cutoff.cutoff_time(14.5).isoformat() == "14:30:00"
    assert cutoff.cutoff_time(0).isoformat() == "00:00:00"
    assert cutoff.cutoff_time(30).hour == 23  # clamped, never an error


def test_window_open_before_cutoff_on_a_working_day():
    monday_morning = datetime(2026, 11, 30, 9, 0)
    assert cutoff.window_open(monday_morning, 14.0)
    assert not cutoff.window_open(monday_morning.replace(hour=14), 14.0)  # at the cut-off: too late
    assert not cutoff.window_open(datetime(2026, 11, 29, 9, 0), 14.0)  # a Sunday


def test_holidays_close_the_window():
    christmas = datetime(2026, 12, 25, 9, 0)
    assert not cutoff.window_open(christmas, 14.0, holidays={date(2026, 12, 25)})


def test_next_window_skips_weekend_and_holidays():
    friday_late = datetime(2026, 12, 4, 16, 0)
    assert cutoff.next_window(friday_late, 14.0) == datetime(2026, 12, 7, 0, 0)
    assert cutoff.next_window(friday_late, 14.0, holidays={date(2026, 12, 7)}) == datetime(2026, 12, 8, 0, 0)
    assert cutoff.next_window(datetime(2026, 12, 7, 8, 0), 14.0) == datetime(2026, 12, 7, 8, 0)
    assert cutoff.next_window(friday_late, 14.0, weekdays=()) is None
