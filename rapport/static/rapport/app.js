// Small, progressive behaviours; every page works without them.
