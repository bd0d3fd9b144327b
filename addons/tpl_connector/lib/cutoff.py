"""When a 3PL takes orders for today: its cut-off time and working days.

A warehouse ships today what it receives before its cut-off on a working
day; what comes later ships the next working day. Deliveries are released
in the window before the cut-off, so that an order released is an order
the warehouse can still ship as promised (a user can still "release now").
"""

from datetime import datetime, time, timedelta


def cutoff_time(hours):
    """A float of hours (14.5) as a time (14:30)."""
    hours = max(0.0, min(float(hours or 0.0), 23.99))
    minutes = round(hours * 60)
    return time(minutes // 60, minutes % 60)


def is_working_day(day, weekdays, holidays=()):
    """``day`` (a date) is a working day: its weekday (0 = Monday) is one of
    ``weekdays`` and it is not one of ``holidays``."""
    return day.weekday() in weekdays and day not in holidays


def window_open(local_now, cutoff_hours, weekdays=(0, 1, 2, 3, 4), holidays=()):
    """Whether a delivery released at ``local_now`` (the warehouse's local
    time, naive) is taken for today: a working day, before the cut-off."""
    if not is_working_day(local_now.date(), weekdays, holidays):
        return False
    return local_now.time() < cutoff_time(cutoff_hours)


def next_window(local_now, cutoff_hours, weekdays=(0, 1, 2, 3, 4), holidays=()):
    """The start of the next release window after ``local_now``: the
    beginning of the next working day (or ``local_now`` itself when the
    window is open). None when no working day comes within a year."""
    if window_open(local_now, cutoff_hours, weekdays, holidays):
        return local_now
    day = local_now.date()
    for _step in range(366):
        day += timedelta(days=1)
        if is_working_day(day, weekdays, holidays):
            return datetime.combine(day, time(0, 0))
    return None
