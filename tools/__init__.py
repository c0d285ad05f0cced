"""Repository tools, run as ``python -m tools.<name>``: they may import any service; none imports them."""
