"""Django's localized formats where ours differ (settings.FORMAT_MODULE_PATH): a date reads « 7 décembre 2026 » and
"December 7, 2026" everywhere, through hub/formats.py and the templates' date filter alike."""
