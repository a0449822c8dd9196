"""What the site is: selection, groups, listings, feeds, related articles."""
