#!/usr/bin/env bash
# check-parquet-reader.sh: open Parquet files in a reader independent of
# github.com/parquet-go/parquet-go, namely DuckDB through its Node.js binding
# (npm package @duckdb/node-api). The native library comes as the npm package
# @duckdb/node-bindings-linux-x64, so the install needs only the npm registry
# (no build, and no download from anywhere else). It needs no root: just node
# and npm on PATH.
#
# Usage: scripts/check-parquet-reader.sh [--cache DIR] FILE.parquet...
#
# For each file, prints one line:
#   PATH rows=N columns=name:TYPE,... row_groups=G kv=key1,key2
# Each file is read in full (every column's values are decoded and hashed),
# and the scanned row count must equal the count in the footer. Exits 1 if any
# file fails to open or read, and 2 on a usage or install error.
#
# The reader is installed once into the cache directory (default
# $SNN_PARQUET_READER_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/snn-parquet-reader),
# never into the repository. Later runs reuse it.
set -euo pipefail

DUCKDB_NODE_API_VERSION=1.5.6-r.1 # DuckDB v1.5.6

cache="${SNN_PARQUET_READER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/snn-parquet-reader}"
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) [ $# -ge 2 ] || { echo "check-parquet-reader: --cache needs a directory" >&2; exit 2; }
             cache="$2"; shift 2 ;;
    --cache=*) cache="${1#--cache=}"; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) echo "check-parquet-reader: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -eq 0 ]; then
  echo "usage: $0 [--cache DIR] FILE.parquet..." >&2
  exit 2
fi
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "check-parquet-reader: $tool not found (apt-get install nodejs npm)" >&2; exit 2; }
done

dir="$cache/duckdb-node-api-$DUCKDB_NODE_API_VERSION"
if [ ! -f "$dir/.installed" ]; then
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.install.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  echo "check-parquet-reader: installing @duckdb/node-api@$DUCKDB_NODE_API_VERSION into $dir" >&2
  if ! (cd "$tmp" && npm install --prefix "$tmp" --no-audit --no-fund --loglevel=error \
          "@duckdb/node-api@$DUCKDB_NODE_API_VERSION" >&2); then
    echo "check-parquet-reader: npm install failed" >&2
    exit 2
  fi
  touch "$tmp/.installed"
  # Publish the finished install in one step; a concurrent run may have won.
  if ! mv -T "$tmp" "$dir" 2>/dev/null; then
    [ -f "$dir/.installed" ] || { rm -rf "$dir"; mv -T "$tmp" "$dir"; }
  fi
  rm -rf "$tmp"
  trap - EXIT
fi

export CHECK_PARQUET_READER_DIR="$dir"
exec node -e '
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");
const req = require("module").createRequire(path.join(process.env.CHECK_PARQUET_READER_DIR, "x.js"));

(async () => {
  const { DuckDBInstance } = await import(pathToFileURL(req.resolve("@duckdb/node-api")).href);
  // Parquet support is built in; never fetch extensions.
  const db = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    threads: "2",
  });
  const con = await db.connect();
  const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
  let failed = 0;
  for (const f of process.argv.slice(1)) {
    try {
      if (!fs.statSync(f).isFile()) throw new Error("not a regular file");
      if (/[*?[\]{}]/.test(f)) throw new Error("path has glob characters, which DuckDB would expand");
      const lit = "\x27" + f.replaceAll("\x27", "\x27\x27") + "\x27";
      const cols = await rows(`DESCRIBE SELECT * FROM read_parquet(${lit})`);
      const meta = (await rows(`SELECT num_rows, num_row_groups FROM parquet_file_metadata(${lit})`))[0];
      // Hash every value of every column, so that all pages are decoded.
      const scan = (await rows(`SELECT count(*) AS n, sum(hash(COLUMNS(*))) FROM read_parquet(${lit})`))[0];
      if (String(scan.n) !== String(meta.num_rows))
        throw new Error(`scanned ${scan.n} rows but the footer says ${meta.num_rows}`);
      const kv = await rows(`SELECT decode(key) AS k FROM parquet_kv_metadata(${lit}) ORDER BY 1`);
      console.log(`${f} rows=${scan.n} columns=${cols.map(c => c.column_name + ":" + c.column_type).join(",")}` +
        ` row_groups=${meta.num_row_groups} kv=${kv.map(r => r.k).join(",")}`);
    } catch (e) {
      failed++;
      console.error(`${f} FAILED: ${String(e && e.message || e).split("\n")[0]}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
})().catch((e) => { console.error("check-parquet-reader:", e); process.exit(2); });
' -- "$@"
