"""What publishing costs the search index, at newsgen's real tier sizes: articles indexed.

    PYTHONPATH=src python benchmarks/tiers.py 10000 10000    # archive size, stories to publish

Starts from a cold layout (a first or --full build) of the archive, then publishes stories one
build each, one in ten an edit of an old story, and counts the articles Pagefind must index
(every bundle that is new in a build). Prints the cost per story (amortised), the worst single
build, how often a build merged a sealed tier, and the most bundles a reader loaded. Counts,
not times: Pagefind takes about 3.5 ms of CPU per article.
"""

from __future__ import annotations

import random
import sys

from newsgen.outputs import tiers


def main(argv: list[str]) -> int:
    size, stories = int(argv[1]), int(argv[2])
    rng = random.Random(16)
    archive = {f"s{n}": "v0" for n in range(size)}
    layout = tiers.cold(archive)
    work, worst, merges, bundles = 0, 0, 0, len(layout)
    for number in range(stories):
        if number % 10 == 9:
            archive[f"s{rng.randrange(size)}"] = f"v{number}"
        else:
            archive[f"n{number}"] = "v0"
        after = tiers.update(layout, archive)
        cost = sum(len(t.members) for t in after if t not in layout)
        merges += any(t.level > 0 and t not in layout for t in after)
        work, worst, layout = work + cost, max(worst, cost), after
        bundles = max(bundles, len(layout))
    shape = [(t.level, len(t.members)) for t in layout]
    print(
        f"{size} articles, {stories} stories (head {tiers.HEAD}, growth {tiers.GROWTH}): "
        f"{work / stories:.1f} articles indexed per story amortised, worst build {worst}, "
        f"{merges} builds merged a sealed tier, at most {bundles} bundles; now {shape}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
