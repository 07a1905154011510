"""The analysis pages' pieces: drill pages, ageing, slow movers, ABC, suppliers."""
