"""Jobs: running the coder over many documents and handing the results to the store.

* :mod:`.ingest`      read items, skip what the store holds, code, write in batches (``realpolitik ingest``)
* :mod:`.pool`        the process pool of ``code --workers`` and ``ingest --workers``
* :mod:`.watch`       poll feeds, ingest what is new, print new alerts (``realpolitik watch``)
* :mod:`.dask_engine` code on a Dask cluster into Parquet, and load that Parquet into a store
* :mod:`.cli`         the ``ingest`` command and its engine options

The store (:mod:`realpolitik.store`) only stores and answers; the pipeline
(:mod:`realpolitik.pipeline`) codes one document at a time. This package joins them.
"""
