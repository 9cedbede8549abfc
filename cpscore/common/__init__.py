"""Leaves every stage uses: error types, the reader's language, atomic writing of files.

Imports nothing else from cpscore.
"""
