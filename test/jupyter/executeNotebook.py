"""Executes a notebook with nbclient, as nbgrader's autograde does: every cell runs, errors included.

usage: executeNotebook.py IN.ipynb OUT.ipynb KERNEL_NAME
"""
import sys

import nbformat
from nbclient import NotebookClient

source, target, kernel = sys.argv[1:4]
notebook = nbformat.read(source, as_version=4)
NotebookClient(notebook, kernel_name=kernel, allow_errors=True, timeout=120).execute()
nbformat.write(notebook, target)
