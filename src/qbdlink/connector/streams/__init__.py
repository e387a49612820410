"""One stream per data type: the qbXML queries that read it and the pure mapping to the model.

Adding a data type is one module here (its queries and mapping) and one line in ``registry.py``.
"""
