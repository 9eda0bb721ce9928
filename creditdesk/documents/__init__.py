"""PDF documents (ReportLab platypus) made from the plain data objects in ``model``."""
