"""Loading and validating datasets: pure pandas, no Streamlit."""

from dashboard.data.errors import DataError, DatasetError
from dashboard.data.load import Dataset, data_dir_from_env, load_dataset

__all__ = [
    "DataError",
    "Dataset",
    "DatasetError",
    "data_dir_from_env",
    "load_dataset",
]
