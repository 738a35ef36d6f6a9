"""The loader: compose files to a validated Project, one pure stage per module (see pipeline.py)."""
