"""Running a build: the stages in order, the inventory, the writer and its lock."""
