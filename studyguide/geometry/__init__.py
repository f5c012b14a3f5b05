"""Paper, card stock and where things sit on a sheet, in millimetres: the measures that the
settings, the layouts and printing all share. Nothing here knows what is printed on a sheet."""
