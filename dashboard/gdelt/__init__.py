"""GDELT 2.0 event exports imported as machine-coded events beside the curated record.

``importer.import_gdelt`` is the ``python -m dashboard import-gdelt`` command; ``layout`` holds
the 61-field export layout and the shipped mapping tables (``tables/*.csv``, sourced in
``tables/SOURCES.md``); ``synthetic`` writes export files for the benchmark.
"""
