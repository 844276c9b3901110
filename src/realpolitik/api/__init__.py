"""The REST API and web dashboard of ``realpolitik serve``: ``realpolitik.api.app.create_app(db)``.

Kept free of imports so that the command line loads FastAPI only when serving.
"""
