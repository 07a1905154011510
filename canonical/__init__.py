"""The canonical data model (DESIGN.md): the five entities every source is mapped onto.

Its own package so that metrics/ (which compiles over it) and data_connectors/ (which maps
sources onto it) both import it without importing each other.
"""
