"""The version of cpscore, named in every result document and written workbook."""

__version__ = "0.1.0"
