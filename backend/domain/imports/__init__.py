"""Reading other loggers' CSV exports (and Sidewise's own JSON) into sets, and planning sides."""
