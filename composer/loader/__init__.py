"""The loader: compose files to canonical data, one subpackage per stage (see pipeline.py)."""
