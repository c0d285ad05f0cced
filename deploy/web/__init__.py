"""The staff screens' web front: the built client (frontend/dist) and the services behind nginx."""
