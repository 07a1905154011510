"""AG Grid tables: the metric grid, its shared callbacks and the plain data grid."""
