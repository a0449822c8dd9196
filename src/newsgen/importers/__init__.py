"""`newsgen import`: bring articles in from WordPress, feeds, other generators and scraped pages.

One module per source turns its files into `ArticleRecord`s (record.py): wordpress.py (with
wpcontent.py, autop.py), feeds.py, generators.py (with sites.py, bodies.py, rst.py), pages.py;
markup.py makes their HTML Markdown. detect.py tells the sources apart by content; files.py
reads them safely; settle.py makes each record what the build accepts; write.py is the one
writer of article files; run.py ties them up under the site's lock; summary.py reports.
"""
