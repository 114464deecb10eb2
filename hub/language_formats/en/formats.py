# The month in full, "December 7, 2026", as Canadian English writes a date (Django's own is "Dec. 7, 2026").
DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, P"
