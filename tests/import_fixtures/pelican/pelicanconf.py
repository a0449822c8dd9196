AUTHOR = "Desk"
SITENAME = "Hill Courier"
