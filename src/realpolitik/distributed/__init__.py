"""Coding on a Dask cluster: partitioned Parquet out, loaded into the store (see :mod:`.dask_engine`)."""
