"""`newsgen import`: bring articles in from WordPress, feeds, other generators and scraped pages.

One module per source turns its files into `ArticleRecord`s (record.py); `detect.py` tells the
sources apart by content; `write.py` is the one writer of article files; `run.py` ties them up.
"""
