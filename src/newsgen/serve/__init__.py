"""`newsgen serve`: the preview folder, the file watcher and the server."""
