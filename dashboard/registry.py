"""The dashboard's pages, declared once: source file, URL path and link label.

``app.py`` builds the navigation from it; the browser harness, the benchmark, the soak and the
screenshot scripts read the URL paths from it, so a new page is added in one place.
"""

PAGES = (
    ("overview", "overview", "Overview"),
    ("compare", "compare", "Compare"),
    ("say_do", "say-do", "Say vs do"),
    ("impact_map", "map", "Impact map"),
    ("timeline", "timeline", "Timeline"),
    ("data", "data", "Data"),
    ("sources", "sources", "Sources & methodology"),
    ("your_data", "your-data", "Your data"),
)
URL_PATHS = tuple(path for _, path, _ in PAGES)
