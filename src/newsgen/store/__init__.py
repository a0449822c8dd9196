"""What a build remembers between builds, under .newsgen/."""
