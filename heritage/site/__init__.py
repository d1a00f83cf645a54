"""The public site: the map, the monument list, a page per monument and per source, the
consensus changes with their Atom feed, in English and Arabic.

Views read through :mod:`heritage.site.queries` (a fixed number of queries per page,
whatever the size of the registry) and the services (past dates); the templates are in
the project's top-level ``templates/site/``. Every page carries the registry's
revision-based ETag and Last-Modified (:mod:`heritage.site.caching`).
"""
