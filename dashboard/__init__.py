"""Compare governments issue by issue; which governments, and over which periods, the dataset
declares (``dashboard.data.comparison``)."""
