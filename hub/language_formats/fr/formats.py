# The time as the OQLF writes it in running text, « 7 décembre 2026 à 14 h 30 », with no-break spaces around
# the h so it never wraps (Django's own is « 7 décembre 2026 14:30 »).
DATE_FORMAT = "j F Y"
TIME_FORMAT = "G\u00a0\\h\u00a0i"
DATETIME_FORMAT = "j F Y \\à G\u00a0\\h\u00a0i"
