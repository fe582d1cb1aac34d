#!/bin/sh
# Runs R's forecast::ets() and auto.arima() on the benchmark series, then
# Tidemark's bench on the same files, and prints the Tidemark/R ratios.
#   bench/forecast/run_r.sh [BUILD_DIR] [SERIES_DIR | --aer]
# --aer uses the economic series of R's AER package instead (exported by
# export_aer_series.R): a set that played no part in choosing the models.
# Installs R (Debian's r-cran-forecast, r-cran-aer) when missing; needs root for that.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
series=${2:-$here/series}
tmp=${TMPDIR:-/tmp}
tag=forecast
if ! Rscript -e 'library(forecast)' >/dev/null 2>&1; then
  echo "installing R and the forecast package (apt-get install r-cran-forecast)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y r-cran-forecast
fi
if [ "$series" = "--aer" ]; then
  if ! Rscript -e 'library(AER)' >/dev/null 2>&1; then
    echo "installing R's AER package (apt-get install r-cran-aer)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y r-cran-aer
  fi
  series=$tmp/tidemark-aer-series
  rm -rf "$series"
  Rscript "$here/export_aer_series.R" "$series"
  tag=aer
fi
out=$tmp/tidemark-$tag-r.csv
Rscript "$here/run_r.R" "$series" "$out"
"$build/bin/bench_forecast" --series "$series" --r "$out" --out "$tmp/tidemark-$tag-tm.csv"
